target_sources(finpipe_core PRIVATE
    ingest/value.h ingest/value.cpp
    ingest/reader.h ingest/reader.cpp
    ingest/fileerrors.h ingest/fileerrors.cpp
    ingest/sha256.h ingest/sha256.cpp
    ingest/csvreader.h ingest/csvreader.cpp
    ingest/xlsxreader.h ingest/xlsxreader.cpp
)
