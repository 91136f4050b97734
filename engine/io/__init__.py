"""Files: CSV data in and out, and whole sessions saved and opened.  Every reader raises
ValueError with the reason for a malformed file."""
