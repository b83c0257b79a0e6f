#pragma once

#include "common/result.h"
#include "jobs/jobstore.h"

#include <QString>

namespace finpipe::jobs {

//! Finds jobs again from their folders under `outputRoot` after the job list was lost or damaged:
//! each `<id>/job.json` (the file and choices) with its `runs/<n>/manifest.json` files, and the
//! older layout's `<id>/manifest.json`. Jobs keep their ids, runs their numbers and folders; a run
//! folder without a manifest comes back as interrupted. Ids already in the store are skipped.
//! Returns how many jobs were added.
Result<int> rebuildFromFolders(JobStore &store, const QString &outputRoot);

} // namespace finpipe::jobs
