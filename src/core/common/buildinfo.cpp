#include "buildinfo.h"

#include "common/gitcommit.h" // generated at build time by cmake/FinpipeGitCommit.cmake
#include "common/version.h"

#include <QtGlobal>

namespace finpipe {

QString buildCommit()
{
    return QStringLiteral(FINPIPE_GIT_COMMIT);
}

QString versionText(const QString &program)
{
    const QString runtimeQt = QString::fromLatin1(qVersion());
    QString qt = QStringLiteral("Qt ") + runtimeQt;
    if (runtimeQt != QLatin1String(QT_VERSION_STR))
        qt += QStringLiteral(" (built with Qt %1)").arg(QLatin1String(QT_VERSION_STR));
    const QString name = program == u"finpipe" ? program : program + QStringLiteral(" (finpipe)");
    return QStringLiteral("%1 %2\ncommit %3\n%4\n").arg(name, QString::fromLatin1(kVersion), buildCommit(), qt);
}

} // namespace finpipe
