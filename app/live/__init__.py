"""Live: open apps hear of changes for their rep at once (see README.md here)."""
