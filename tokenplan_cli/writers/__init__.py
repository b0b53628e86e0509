"""Writers: what tokenplan puts on disk, always atomically and never over a file without --force."""
