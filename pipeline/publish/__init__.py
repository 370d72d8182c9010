"""PDF/A through LibreOffice, and the beslutspaket."""
