#include "rolefit.h"

namespace finpipe::detect {

double kindFit(const ColumnProfile &c, RoleKind kind)
{
    if (c.shape == ColumnShape::Empty)
        return 0.4; // nothing to contradict the role, nothing to support it either
    const bool fewValues = c.distinct <= 2;
    switch (kind) {
    case RoleKind::Date:
    case RoleKind::DateTime:
        if (c.temporalShare >= 0.9)
            return 1.0;
        return c.temporalShare >= 0.5 ? 0.5 : 0.0;
    case RoleKind::Number:
        if (c.shape == ColumnShape::Measure)
            return 1.0;
        if (c.shape == ColumnShape::Flag && c.numericShare >= 0.9)
            return 0.6;
        return c.numericShare >= 0.5 && c.temporalShare < 0.5 ? 0.5 : 0.0;
    case RoleKind::Text:
        switch (c.shape) {
        case ColumnShape::FreeText: return 1.0;
        case ColumnShape::Identifier:
        case ColumnShape::Category:
        case ColumnShape::Code: return 0.8;
        default: return 0.3;
        }
    case RoleKind::Code:
        switch (c.shape) {
        case ColumnShape::Code: return 1.0;
        case ColumnShape::Category: return 0.8;
        case ColumnShape::Identifier: return 0.7;
        case ColumnShape::FreeText: return 0.3;
        case ColumnShape::Measure:
        case ColumnShape::Flag: return 0.2;
        default: return 0.0;
        }
    case RoleKind::Category:
        switch (c.shape) {
        case ColumnShape::Category: return 1.0;
        case ColumnShape::Code: return 0.9;
        case ColumnShape::Flag: return 0.5;
        case ColumnShape::FreeText: return 0.4;
        case ColumnShape::Identifier: return 0.3;
        case ColumnShape::Measure: return c.distinctRatio <= 0.2 ? 0.4 : 0.1;
        default: return 0.0;
        }
    case RoleKind::Identifier:
        switch (c.shape) {
        case ColumnShape::Identifier: return 1.0;
        case ColumnShape::Code: return 0.5;
        case ColumnShape::Measure: return c.distinctRatio >= 0.9 && c.type == ingest::ColumnType::Integer ? 0.8 : 0.1;
        case ColumnShape::FreeText: return 0.4;
        case ColumnShape::Category: return 0.2;
        default: return 0.0;
        }
    case RoleKind::Flag:
        if (c.shape == ColumnShape::Flag)
            return 1.0;
        return fewValues && (c.shape == ColumnShape::Measure || c.shape == ColumnShape::Category) ? 0.6 : 0.0;
    }
    return 0.0;
}

double checksFit(const ColumnProfile &c, const Role &role, QStringList *reasons)
{
    const ValueChecks &k = role.checks;
    if (k.isEmpty())
        return 1.0;
    if (c.nonBlank == 0)
        return 0.5;
    double sum = 0;
    int n = 0;
    auto add = [&](double fit, const QString &why) {
        sum += fit;
        ++n;
        if (fit < 0.99 && reasons)
            *reasons << why;
    };
    if (!k.allowed.isEmpty()) {
        int ok = 0;
        QStringList bad;
        for (auto it = c.valueCounts.cbegin(); it != c.valueCounts.cend(); ++it) {
            if (k.allowed.contains(it.key(), Qt::CaseInsensitive))
                ok += it.value();
            else if (bad.size() < 3)
                bad << it.key();
        }
        add(double(ok) / c.nonBlank, QStringLiteral("\"%1\" has values outside %2: %3")
                                         .arg(c.name, k.allowed.join(u'/'), quoteExamples(bad)));
    }
    if (k.min || k.max) {
        const bool numeric = c.min.has_value() && c.numericShare >= 0.5;
        const bool inRange = numeric && (!k.min || *c.min >= *k.min) && (!k.max || *c.max <= *k.max);
        add(inRange ? 1.0 : 0.3, QStringLiteral("\"%1\" has values outside the expected range (%2 to %3)")
                                    .arg(c.name, c.minText, c.maxText));
    }
    if (!k.format.pattern().isEmpty()) {
        int ok = 0;
        QStringList bad;
        for (auto it = c.valueCounts.cbegin(); it != c.valueCounts.cend(); ++it) {
            if (k.format.match(it.key()).hasMatch())
                ok += it.value();
            else if (bad.size() < 3)
                bad << it.key();
        }
        add(double(ok) / c.nonBlank, QStringLiteral("\"%1\" has values in an unexpected format: %2")
                                         .arg(c.name, quoteExamples(bad)));
    }
    // How often values repeat says little in a handful of rows (24 parameters in 25 rows).
    const bool enoughForRatios = c.nonBlank >= kMinRowsForRatios;
    if (k.minDistinctRatio && enoughForRatios)
        add(c.distinctRatio >= *k.minDistinctRatio ? 1.0 : c.distinctRatio / *k.minDistinctRatio,
            QStringLiteral("\"%1\" repeats values (%2% distinct)").arg(c.name).arg(qRound(c.distinctRatio * 100)));
    if (k.maxDistinctRatio && enoughForRatios)
        add(c.distinctRatio <= *k.maxDistinctRatio ? 1.0 : 0.3,
            QStringLiteral("\"%1\" has too many different values (%2% distinct)")
                .arg(c.name)
                .arg(qRound(c.distinctRatio * 100)));
    return n ? sum / n : 1.0;
}

ValueEvidence valueEvidence(const ColumnProfile &c, const Role &role)
{
    if (c.nonBlank == 0)
        return ValueEvidence::None;
    if (role.kind == RoleKind::Date || role.kind == RoleKind::DateTime)
        return c.shape == ColumnShape::Temporal ? ValueEvidence::Telling : ValueEvidence::None;
    // A handful of rows, a column holding one value, or free text say nothing about what a column is for.
    if (role.kind == RoleKind::Text || c.nonBlank < kMinRowsForRatios || c.distinct < 2)
        return ValueEvidence::None;
    if (kindFit(c, role.kind) < 0.8 || checksFit(c, role) < 0.999 || roleRefusal(c, role))
        return ValueEvidence::None;
    const ValueChecks &k = role.checks;
    const bool bounded = !k.allowed.isEmpty() || !k.format.pattern().isEmpty() || k.maxDistinctRatio.has_value();
    const bool codes = role.kind == RoleKind::Code && c.shape == ColumnShape::Code;
    return bounded || codes ? ValueEvidence::Telling : ValueEvidence::Plain;
}

namespace {
//! A number or date role refuses a column only when most of its values are something else: then
//! it is the wrong column. A few stray cells ("n/a", "<0.5", a typo) do not make it wrong; the
//! analysis skips them and its data-quality report lists them as unparseable.
constexpr double kMinShareOfKind = 0.5;
} // namespace

std::optional<QString> roleRefusal(const ColumnProfile &c, const Role &role)
{
    if (c.nonBlank == 0) {
        if (role.required)
            return QStringLiteral("\"%1\" cannot be the %2: it has no values in the rows finpipe looked at.")
                .arg(c.name, role.name);
        return std::nullopt;
    }
    switch (role.kind) {
    case RoleKind::Number:
        if (c.numericShare < kMinShareOfKind)
            return QStringLiteral("\"%1\" cannot be the %2: the %2 must be numbers, but \"%1\" holds text "
                                  "such as %3.")
                .arg(c.name, role.name, quoteExamples(c.nonNumericExamples));
        break;
    case RoleKind::Date:
    case RoleKind::DateTime:
        if (c.temporalShare < kMinShareOfKind)
            return QStringLiteral("\"%1\" cannot be the %2: the %2 must be dates, but \"%1\" holds values "
                                  "such as %3.")
                .arg(c.name, role.name, quoteExamples(c.nonTemporalExamples));
        break;
    case RoleKind::Flag:
        if (c.flagShare < 0.95 || c.distinct > 2) {
            QStringList bad;
            for (auto it = c.valueCounts.cbegin(); it != c.valueCounts.cend() && bad.size() < 3; ++it)
                if (!QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("true"),
                                 QStringLiteral("false"), QStringLiteral("yes"), QStringLiteral("no")}
                         .contains(it.key()))
                    bad << it.key();
            return QStringLiteral("\"%1\" cannot be the %2: the %2 must be a yes/no (0/1) column, but \"%1\" "
                                  "holds values such as %3.")
                .arg(c.name, role.name, quoteExamples(bad.isEmpty() ? c.examples : bad));
        }
        break;
    case RoleKind::Text:
    case RoleKind::Code:
    case RoleKind::Category:
    case RoleKind::Identifier:
        break; // any value can be read as text
    }
    return std::nullopt;
}

QString quoteExamples(const QStringList &examples, int n)
{
    QStringList q;
    for (const QString &e : examples.mid(0, n))
        q << u'"' + e + u'"';
    return q.join(QStringLiteral(", "));
}

QString describeValues(const ColumnProfile &c)
{
    switch (c.shape) {
    case ColumnShape::Empty: return QStringLiteral("no values");
    case ColumnShape::Measure: return QStringLiteral("numbers %1 to %2").arg(c.minText, c.maxText);
    case ColumnShape::Temporal: return QStringLiteral("dates %1 to %2").arg(c.minText, c.maxText);
    case ColumnShape::Flag: return QStringLiteral("yes/no values (%1)").arg(c.examples.join(u'/'));
    case ColumnShape::Identifier: return QStringLiteral("unique values such as %1").arg(quoteExamples(c.examples, 2));
    case ColumnShape::Code: return QStringLiteral("%1 codes such as %2").arg(c.distinct).arg(quoteExamples(c.examples, 2));
    case ColumnShape::Category:
        return c.distinct == 1 ? QStringLiteral("the single value %1").arg(quoteExamples(c.examples, 1))
                               : QStringLiteral("%1 values such as %2").arg(c.distinct).arg(quoteExamples(c.examples, 2));
    case ColumnShape::FreeText: return QStringLiteral("text such as %1").arg(quoteExamples(c.examples, 2));
    }
    return {};
}

} // namespace finpipe::detect
