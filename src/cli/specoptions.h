#pragma once

#include "common/result.h"
#include "jobs/pipeline.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace finpipe::cli {

//! The options that choose what a job does (`analyze` and `submit` share them): --sheet, --type,
//! --map, --agg, --template, --only-validated, --format.
struct SpecOptions {
    SpecOptions();
    void addTo(QCommandLineParser &parser) const;
    //! The spec for `file` from the parsed options (inputPath set, outputDir not); a bad value is
    //! an Error with Code::Usage in the analyst's words.
    Result<jobs::JobSpec> spec(const QCommandLineParser &parser, const QString &file) const;

    QCommandLineOption sheet, type, map, agg, templates, onlyValidated, format;
};

} // namespace finpipe::cli
