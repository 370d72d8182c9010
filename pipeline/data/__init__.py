"""Reading and checking the data: YAML with sources, schemas, rules, versions, seals, ny and beslut."""
