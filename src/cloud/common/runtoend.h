#pragma once

#include <QCoroTask>
#include <QEventLoop>

#include <optional>
#include <utility>

namespace finpipe::cloud {

//! Runs an event loop until `task` ends and gives its value: how a command-line program (or a test)
//! drives a coroutine to its end. QCoro::waitFor wants a default-constructible result, which
//! Result<T> is not.
template <typename T>
T runToEnd(QCoro::Task<T> &&task)
{
    std::optional<T> result;
    QEventLoop loop;
    auto wrapper = [&]() -> QCoro::Task<> {
        result.emplace(co_await task);
        loop.quit();
    };
    auto running = wrapper();
    if (!result)
        loop.exec();
    return std::move(*result);
}

} // namespace finpipe::cloud
