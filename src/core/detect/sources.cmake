target_sources(finpipe_core PRIVATE
    detect/mapping.h
)
