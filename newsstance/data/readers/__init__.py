"""One reader per corpus; each yields SentenceRecord with the corpus's labels converted to ours."""
