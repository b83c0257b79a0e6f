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
        {"submit", "Cloud: upload a file and queue its analysis for the team's workers", &runSubmit},
        {"jobs", "Cloud: list your jobs", &runJobs},
        {"job", "Cloud: one job's state, attempts, error, outputs and history", &runJob},
        {"download", "Cloud: download a job's outputs (SHA-256 checked, partial files resumed)", &runDownload},
        {"url", "Cloud: print a time-limited link to one output of a job", &runUrl},
        {"cancel", "Cloud: cancel a queued or running job", &runCancel},
        {"queue", "Cloud: jobs by state, the oldest queued job's age, live workers", &runQueue},
        {"migrate", "Cloud: apply the pending database migrations", &runMigrate},
        {"cloud", "Cloud: 'cloud init' sets up the database and stores the storage settings", &runCloud},
        {"prune", "Cloud: delete old finished jobs, their outputs, stray objects and unused inputs", &runPrune},
    };
    return list;
}

} // namespace finpipe::cli
