#pragma once

#include "common/feedback.h"
#include "common/result.h"

#include <QString>

namespace finpipe::app {

//! Copies `source` to `target` atomically: the bytes go to a temporary file beside the target,
//! which is renamed over it only when complete, so the target is never half-written. Callers ask
//! before replacing an existing target (see Prompts::confirmOverwrite). Safe on any thread.
Result<void> copyAtomically(const QString &source, const QString &target, Feedback *feedback = nullptr);

} // namespace finpipe::app
