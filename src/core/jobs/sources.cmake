target_sources(finpipe_core PRIVATE
    jobs/pipeline.h jobs/pipeline.cpp
    jobs/lineaccount.h jobs/lineaccount.cpp
)
target_sources(finpipe_core PRIVATE jobs/jobstore.h jobs/jobstore.cpp jobs/jobstoreruns.cpp jobs/jobstoresql.h)
target_sources(finpipe_core PRIVATE
    jobs/jobspecjson.h jobs/jobspecjson.cpp
    jobs/jobexecutor.h
    jobs/localexecutor.h jobs/localexecutor.cpp
    jobs/jobrecovery.h jobs/jobrecovery.cpp
    jobs/jobcontroller.h jobs/jobcontroller.cpp
)
