#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace finpipe::outputs {

//! Escapes text for HTML element content and quoted attribute values (& < > " ').
QString htmlEscape(QStringView text);

//! Appends `text` as a JSON string literal (with quotes, UTF-8) that is also safe inside an HTML
//! <script> element: < > & and U+2028/U+2029 become \u escapes, so no user text can close the
//! element or open a comment.
void appendScriptSafeJsonString(QByteArray &out, QStringView text);

//! Appends a number in shortest round-trip form; non-finite numbers (which JSON cannot hold)
//! become null.
void appendJsonNumber(QByteArray &out, double value);

//! Makes JS or CSS code safe to place inside <script>/<style>: "</script", "</style" (any case)
//! and "<!--" get a backslash after the "<", which means the same inside JS strings and regexes.
QByteArray inlineCodeSafe(const QByteArray &code);

} // namespace finpipe::outputs
