#!/bin/sh
# A stand-in for batchwords-worker that the test suites install on pools (New-BwPool -Program), run by a task
# exactly as the worker is: "$AZ_BATCH_NODE_SHARED_DIR/<program>" --filepath <input> --numwords N --rule tutorial.
# The first line of the input chooses what it does:
#   exit N   writes a line to stdout and one to stderr, then exits with code N;
#   slow S W sleeps S seconds (a task that is still running when a test preempts its node), then succeeds as
#            below with W as the one word;
#   sleep    writes its pid to @PID_DIRECTORY@/<job id>.<task id>.pid and sleeps for ten minutes, as that same
#            process (exec), so the pid is the task process's;
#   else     writes {stem}_OUTPUT{ext} in the tutorial's format, the first line as the one word with count 1.
# The test code that installs it (FakeWorker.cs, TestSupport.ps1) replaces @PID_DIRECTORY@ with a directory.
while [ $# -gt 0 ]; do
  case "$1" in
    --filepath) file="$2"; shift 2 ;;
    --numwords) top="$2"; shift 2 ;;
    *) shift ;;
  esac
done
first=$(head -n 1 "$file")
echo "fake-worker: task $AZ_BATCH_TASK_ID read $file (top $top) on $AZ_BATCH_NODE_ID"
case "$first" in
  "exit "*)
    code="${first#exit }"
    echo "fake-worker: $file asks for exit code $code" >&2
    exit "$code" ;;
  "slow "*)
    rest="${first#slow }"
    sleep "${rest%% *}"
    first="${rest#* }" ;;
  sleep)
    echo $$ > "@PID_DIRECTORY@/$AZ_BATCH_JOB_ID.$AZ_BATCH_TASK_ID.pid"
    exec sleep 600 ;;
esac
name=$(basename "$file")
out="${name%.*}_OUTPUT.${name##*.}"
printf 'Word\tCount\n------------------------------\n%s:\t1\n------------------------------\nNode: %s\nTask: %s\nJob:  %s\nPool: %s\n' \
  "$first" "$AZ_BATCH_NODE_ID" "$AZ_BATCH_TASK_ID" "$AZ_BATCH_JOB_ID" "$AZ_BATCH_POOL_ID" > "$out"
