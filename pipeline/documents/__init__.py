"""Making the Word documents: what templates see, compiled templates, rendering, memo, overview."""
