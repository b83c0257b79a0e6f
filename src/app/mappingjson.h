#pragma once

#include "analysis/analysis.h"
#include "detect/detection.h"
#include "detect/mapping.h"

#include <QString>

#include <optional>

namespace finpipe::app {

//! The job store keeps choices as JSON text; these convert both ways.
//! {"type": …, "roles": {role: column}, "overridden": bool}
QString mappingToJson(const detect::ColumnMapping &mapping);
std::optional<detect::ColumnMapping> mappingFromJson(const QString &json);

//! {"aggregation": "mean", "templates": [...], "only_validated": bool}
QString parametersToJson(const analysis::Parameters &parameters);
analysis::Parameters parametersFromJson(const QString &json);

//! The evidence shown in the Details tab: the type, confidence, level, ambiguity, every type's
//! score, the reasons and each strategy's verdict on the chosen type.
QString detectionToJson(const detect::Detection &detection, const QString &chosenType);

} // namespace finpipe::app
