#pragma once

// A job as the tests of the job controller and its executors hand it in: the record of a file and
// a spec that runs whatever the detection finds.
#include "jobs/jobstore.h"
#include "jobs/pipeline.h"
#include "testutil.h"

#include <QFileInfo>

namespace finpipe::test {

inline jobs::JobRecord recordFor(const QString &path)
{
    jobs::JobRecord j;
    j.inputPath = path;
    j.fileName = QFileInfo(path).fileName();
    j.sha256 = sha256Of(readAll(path));
    j.size = QFileInfo(path).size();
    return j;
}

inline jobs::JobSpec specFor(const QString &path)
{
    jobs::JobSpec s;
    s.inputPath = path;
    s.requireConfidentDetection = false;
    return s;
}

} // namespace finpipe::test
