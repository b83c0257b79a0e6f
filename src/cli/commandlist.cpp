#include "cli.h"

namespace finpipe::cli {

const QList<Command> &commands()
{
    static const QList<Command> list{
        {"hash", "Print SHA-256 checksums (sha256sum format)", &runHash},
        {"inspect", "Show what is read from a file: encoding, delimiter, header, rows, column types", &runInspect},
        {"analyze", "Analyse a file: result tables, audit lineage, data quality, workbook, dashboard", &runAnalyze},
        {"verify", "Check an output folder against its manifest: every file there, unchanged, nothing else", &runVerify},
        {"detect", "Say what kind of dataset a file is, how sure, why, and its column mapping", &runDetect},
    };
    return list;
}

} // namespace finpipe::cli
