target_sources(finpipe_core PRIVATE
    common/result.h
    common/feedback.h
)
