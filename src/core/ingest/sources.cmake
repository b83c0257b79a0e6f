target_sources(finpipe_core PRIVATE
    ingest/value.h ingest/value.cpp
    ingest/reader.h ingest/reader.cpp
    ingest/fileerrors.h ingest/fileerrors.cpp
    ingest/sha256.h ingest/sha256.cpp
    ingest/csvreader.h ingest/csvreader.cpp ingest/csvreaderimpl.h ingest/csvrows.cpp
    ingest/tablelocator.h ingest/tablelocator.cpp ingest/skiptally.h ingest/skiptally.cpp
    ingest/csvscanner.h ingest/csvscanner.cpp ingest/textdecoder.h ingest/textdecoder.cpp ingest/valueparser.h ingest/valueparser.cpp
    ingest/xlsxreader.h ingest/xlsxreader.cpp
    ingest/ziparchive.h ingest/ziparchive.cpp ingest/xlsxstyles.h ingest/xlsxstyles.cpp ingest/xlsxsheet.h ingest/xlsxsheet.cpp ingest/xlsxparts.h ingest/xlsxparts.cpp
    ingest/xlsxcells.h ingest/xlsxcells.cpp
)
