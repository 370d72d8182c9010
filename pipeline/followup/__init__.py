"""The year between decisions: follow-up records, reports with charts, spreadsheets and the county export."""
