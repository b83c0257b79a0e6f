# Desktop app tests (label app).
