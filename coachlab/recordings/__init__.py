"""Call recordings: upload, storage, access, playback and their processing pipeline."""
