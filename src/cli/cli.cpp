#include "cli.h"

#include <cstdio>

namespace finpipe::cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

int exitCodeFor(const Error &error)
{
    switch (error.code) {
    case Error::Code::Usage:
    case Error::Code::Invalid:
        return Usage;
    case Error::Code::NotFound:
    case Error::Code::Permission:
    case Error::Code::Unreadable:
    case Error::Code::Format:
    case Error::Code::Corrupt:
    case Error::Code::Encrypted:
    case Error::Code::Unsupported:
    case Error::Code::TooLarge:
    case Error::Code::Changed:
        return Unreadable;
    case Error::Code::Uncertain:
        return Uncertain;
    case Error::Code::Failed:
        return AnalysisFailed;
    case Error::Code::Cancelled:
        return Cancelled;
    case Error::Code::Internal:
        return Failure;
    }
    return Failure;
}

int fail(const Error &error)
{
    out().flush();
    err() << "finpipe-cli: " << error.toString() << Qt::endl;
    return exitCodeFor(error);
}

int usageError(const QString &command, const QString &message)
{
    out().flush();
    err() << "finpipe-cli " << command << ": " << message << Qt::endl
          << "Run 'finpipe-cli " << command << " --help' for usage." << Qt::endl;
    return Usage;
}

QString jsonEscape(const QString &s)
{
    QString r;
    r.reserve(s.size() + 8);
    for (QChar c : s) {
        switch (c.unicode()) {
        case '"': r += u"\\\""; break;
        case '\\': r += u"\\\\"; break;
        case '\n': r += u"\\n"; break;
        case '\r': r += u"\\r"; break;
        case '\t': r += u"\\t"; break;
        default:
            if (c.unicode() < 0x20)
                r += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                r += c;
        }
    }
    return r;
}

} // namespace finpipe::cli
