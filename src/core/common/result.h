#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace finpipe {

//! An expected failure: a message written for the analyst, a detail for the log.
struct Error {
    enum class Code {
        Internal,    //!< a bug: should never reach an analyst
        Usage,       //!< wrong arguments or options
        NotFound,    //!< the file or thing does not exist
        Permission,  //!< no permission to read or write
        Unreadable,  //!< the input cannot be read (I/O error, empty, binary)
        Format,      //!< the content is not in the expected format
        Corrupt,     //!< a damaged or truncated file
        Encrypted,   //!< password protected
        Unsupported, //!< a format finpipe does not read (e.g. legacy .xls)
        TooLarge,    //!< over a safety limit (zip bomb, absurd dimensions, huge line)
        Changed,     //!< the file changed or vanished while being read
        Cancelled,   //!< the user cancelled
        Invalid,     //!< a value or choice that fails validation
        Uncertain,   //!< detection is not sure enough to proceed
        Failed,      //!< an analysis or output step failed
    };
    Code code = Code::Internal;
    QString message;
    QString detail;

    static Error make(Code code, QString message, QString detail = {})
    {
        return Error{code, std::move(message), std::move(detail)};
    }
    //! The message followed by the detail, if any: for logs and the CLI.
    QString toString() const { return detail.isEmpty() ? message : message + QStringLiteral(" (") + detail + QLatin1Char(')'); }
};

//! A value or an Error. Small on purpose; std::expected needs C++23.
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

} // namespace finpipe
