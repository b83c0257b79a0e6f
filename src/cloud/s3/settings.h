#pragma once

#include "common/result.h"

#include <QString>

namespace finpipe::cloud::s3 {

//! Where the objects live and the key that signs requests to them.
struct Settings {
    QString endpoint;  //!< http(s)://host[:port][/base/path]
    QString region;
    QString bucket;
    QString accessKey; //!< may contain ':' (Swift's tempauth account:user)
    QString secretKey;
    bool pathStyle = true;

    //! Reads FINPIPE_S3_ENDPOINT, _REGION, _BUCKET, _ACCESS_KEY, _SECRET_KEY and _PATH_STYLE
    //! (1/true/yes or 0/false/no; default 1). A missing one is named: "FINPIPE_S3_BUCKET is not set".
    static Result<Settings> fromEnvironment();
};

} // namespace finpipe::cloud::s3
