"""Transcripts of recordings: segments and words with times and speakers, search, exports."""
