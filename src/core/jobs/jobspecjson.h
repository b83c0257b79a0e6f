#pragma once

#include "common/result.h"
#include "jobs/pipeline.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace finpipe::jobs {

//! What a spec pins beyond the analyst's choices, so a stored or sent job is re-run on the same
//! ground: the rules' version hash and each template's content hash.
struct SpecPins {
    //! detect::Rules::version() of the rules the job was run with.
    QString rulesVersion;
    //! Template path (as in params.templates) -> lower-case hex SHA-256 of its bytes.
    QMap<QString, QString> templateSha256;
};

//! A spec with its pins, as stored in a run and sent to an executor.
struct PinnedSpec {
    JobSpec spec;
    SpecPins pins;
};

//! The spec's lossless JSON form (compact, stable key order): every field of JobSpec, its read
//! options, mapping or override choice, all analysis parameters (data-quality thresholds too), and
//! the pins. fromJson(toJson(x)) == x field by field.
QByteArray jobSpecToJson(const JobSpec &spec, const SpecPins &pins = {});
//! Parses jobSpecToJson()'s output. Unknown keys are ignored; a missing key keeps JobSpec's default.
Result<PinnedSpec> jobSpecFromJson(const QByteArray &json);

//! Pins the spec as it stands now: hashes its templates (a template that cannot be read is
//! recorded without a hash) and names the current rules' version.
SpecPins pinSpec(const JobSpec &spec, const QString &rulesVersion);

} // namespace finpipe::jobs
