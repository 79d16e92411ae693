"""The staff tool's files: the board pack, the finance export."""
