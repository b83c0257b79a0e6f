target_sources(finpipe_core PRIVATE
    detect/mapping.h
    detect/rules.h detect/rules.cpp
    detect/profile.h detect/profile.cpp
    detect/headermatch.h detect/headermatch.cpp
    detect/rolefit.h detect/rolefit.cpp
    detect/assignment.h detect/assignment.cpp
    detect/typeevaluator.h detect/typeevaluator.cpp
    detect/detection.h detect/detection.cpp
    detect/override.h detect/override.cpp
    detect/sheetchoice.h detect/sheetchoice.cpp
    ${PROJECT_SOURCE_DIR}/rules/rules.qrc
)
