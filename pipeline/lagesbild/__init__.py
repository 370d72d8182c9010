"""The lägesbild from data: imports of the statistics kommun and police use, stored as series
beside a kommun's versions, and the lägesbild document (issue 22)."""
