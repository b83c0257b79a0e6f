#pragma once

#include "common/feedback.h"
#include "common/result.h"

#include <QString>

#include <memory>
#include <string_view>

namespace finpipe::ingest {

//! Streaming SHA-256 over OpenSSL's EVP interface.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256 &&) noexcept;
    Sha256 &operator=(Sha256 &&) noexcept;

    void update(const void *data, size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    //! Lower-case hex digest; the hasher is reset afterwards and can be reused.
    QString finishHex();
    //! Raw 32-byte digest into `out`; the hasher is reset afterwards.
    void finish(unsigned char out[32]);

    //! One-shot hex digest of a small buffer (row hashes); thread-safe, no allocation.
    static void hex(const void *data, size_t size, char out[64]);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

//! Hashes a whole file, streaming, with progress (bytes) and cancellation.
Result<QString> sha256File(const QString &path, Feedback *feedback = nullptr);

} // namespace finpipe::ingest
