"""Continuidad: backups of a whole installation in one file, and restoring one."""
