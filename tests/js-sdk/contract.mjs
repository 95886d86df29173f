// Contract test: the official JavaScript SDK, @azure/batch 10.2.0 (a pinned devDependency), runs the tutorial flow
// against the BatchWords emulator exactly as its README shows it used: a BatchServiceClient with
// BatchSharedKeyCredentials and the SDK's own default api-version. Nothing here is the project's code, so the
// emulator is checked against a client nobody here wrote. Run by the emulator's xunit test
// Contract/JsSdkContractTests, which starts the emulator and Azurite, makes the inputs and SAS URLs, passes them in
// the environment below, and checks the uploaded outputs afterwards.
//
//   BW_BATCH_URL, BW_BATCH_ACCOUNT, BW_BATCH_KEY   the emulator (the key only ever in the environment)
//   BW_INPUTS                                     JSON [{ "name": "...", "url": "<read SAS>" }]
//   BW_OUTPUT_SAS                                 container SAS (write, create) for the tasks' output files
//   BW_ID                                         a unique stem for the pool and job ids
//
// Exit code 0 and a JSON summary on stdout when every check passed; 1 and the failed check on stderr otherwise.
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { BatchServiceClient, BatchSharedKeyCredentials } = require("@azure/batch");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls probe() until done(value), at most a minute; the values seen (for states the client polled through). */
async function until(what, probe, done) {
  const seen = [];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    seen.push(value);
    if (done(value)) return seen;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

/** The state of a pool or job, or "gone" once the service answers 404. */
async function stateOrGone(get) {
  try {
    return (await get()).state;
  } catch (e) {
    if (e.statusCode === 404) return "gone";
    throw e;
  }
}

async function readStream(response) {
  const chunks = [];
  for await (const chunk of response.readableStreamBody) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const id = env("BW_ID");
const inputs = JSON.parse(env("BW_INPUTS"));
const outputSas = env("BW_OUTPUT_SAS");
const client = new BatchServiceClient(new BatchSharedKeyCredentials(env("BW_BATCH_ACCOUNT"), env("BW_BATCH_KEY")), env("BW_BATCH_URL"));
const summary = { apiVersion: client.apiVersion };
// The SDK's default, untouched: an older GA version the emulator must accept.
assert.equal(client.apiVersion, "2022-10-01.16.0");

// ---- pool ----
const poolId = `${id}-pool`;
await client.pool.add({
  id: poolId,
  vmSize: "standard_d2s_v3",
  virtualMachineConfiguration: {
    imageReference: { publisher: "canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts", version: "latest" },
    nodeAgentSKUId: "batch.node.ubuntu 22.04",
  },
  targetDedicatedNodes: 1,
  taskSlotsPerNode: 4,
  taskSchedulingPolicy: { nodeFillType: "Pack" },
});
assert.equal((await client.pool.exists(poolId)).body, true);
await until("the pool to be steady", () => client.pool.get(poolId), (p) => p.allocationState === "steady");
const nodes = await until("the node to be idle", () => client.computeNode.list(poolId), (list) => list.length === 1 && list[0].state === "idle");
const nodeId = nodes.at(-1)[0].id;
const pool = await client.pool.get(poolId);
assert.equal(pool.taskSchedulingPolicy.nodeFillType, "pack");
assert.equal(pool.taskSlotsPerNode, 4);

// ---- job and tasks ----
const jobId = `${id}-job`;
await client.job.add({ id: jobId, poolInfo: { poolId }, onAllTasksComplete: "noaction", onTaskFailure: "noaction" });
const outputs = (taskId, condition) => [
  {
    filePattern: "count.txt",
    destination: { container: { containerUrl: outputSas, path: `${taskId}/count.txt` } },
    uploadOptions: { uploadCondition: condition },
  },
  {
    filePattern: "../std*.txt",
    destination: { container: { containerUrl: outputSas, path: `${taskId}/logs` } },
    uploadOptions: { uploadCondition: "taskCompletion" },
  },
];
const countTasks = inputs.map((input, i) => ({
  id: `count-${i}`,
  displayName: input.name,
  commandLine: "/bin/sh -c 'wc -w < input.txt | tr -d \" \" > count.txt && echo counted'",
  resourceFiles: [{ httpUrl: input.url, filePath: "input.txt" }],
  outputFiles: outputs(`count-${i}`, "taskSuccess"),
}));
const failing = {
  id: "fails",
  commandLine: "/bin/sh -c 'echo broken >&2; exit 3'",
  outputFiles: outputs("fails", "taskFailure"),
};
// Enough small tasks that listing them takes several pages.
const fillers = Array.from({ length: 12 }, (_, i) => ({ id: `filler-${String(i).padStart(2, "0")}`, commandLine: "/bin/true" }));
const added = await client.task.addCollection(jobId, [...countTasks, failing, ...fillers]);
assert.equal(added.value.length, countTasks.length + 1 + fillers.length);
for (const result of added.value) assert.equal(result.status, "success", JSON.stringify(result));
const duplicate = await client.task.addCollection(jobId, [{ id: "fails", commandLine: "/bin/true" }]);
assert.equal(duplicate.value[0].status, "clienterror");
assert.equal(duplicate.value[0].error.code, "TaskExists");

// Poll the task counts (a counter read, not a listing) until every task is done.
const total = added.value.length;
const counts = await until("every task to complete", () => client.job.getTaskCounts(jobId), (c) => c.taskCounts.completed === total);
const finalCounts = counts.at(-1);
assert.equal(finalCounts.taskCounts.succeeded, total - 1);
assert.equal(finalCounts.taskCounts.failed, 1);
assert.equal(finalCounts.taskSlotCounts.completed, total);
summary.taskCountPolls = counts.length;

// ---- list with paging: five a page, every task once, in creation order ----
const listed = [];
let page = await client.task.list(jobId, { taskListOptions: { maxResults: 5 } });
let pages = 1;
listed.push(...page);
while (page.odatanextLink) {
  page = await client.task.listNext(page.odatanextLink);
  listed.push(...page);
  pages++;
}
assert.deepEqual(listed.map((t) => t.id), added.value.map((r) => r.taskId));
assert.ok(pages >= 4, `expected several pages, got ${pages}`);
summary.pages = pages;
const completedOnly = await client.task.list(jobId, {
  taskListOptions: { filter: "executionInfo/result eq 'failure'", select: "id,executionInfo" },
});
assert.deepEqual(completedOnly.map((t) => t.id), ["fails"]);
assert.equal(completedOnly[0].commandLine, undefined); // $select left it out

// ---- the tasks as the service answers them ----
const failed = await client.task.get(jobId, "fails");
assert.equal(failed.state, "completed");
assert.equal(failed.executionInfo.result, "failure");
assert.equal(failed.executionInfo.exitCode, 3);
assert.equal(failed.executionInfo.failureInfo.category, "usererror");
// Enums come back in the REST spec's spelling, which is the SDK's own type (OutputFileUploadCondition).
assert.equal(failed.outputFiles[0].uploadOptions.uploadCondition, "taskfailure");
assert.equal(failed.outputFiles[1].uploadOptions.uploadCondition, "taskcompletion");
const counted = await client.task.get(jobId, "count-0");
assert.equal(counted.executionInfo.result, "success");
assert.equal(counted.outputFiles[0].uploadOptions.uploadCondition, "tasksuccess");
assert.equal(counted.nodeInfo.nodeId, nodeId);

// ---- task files and node files ----
assert.equal(await readStream(await client.file.getFromTask(jobId, "count-0", "stdout.txt")), "counted\n");
assert.equal(await readStream(await client.file.getFromTask(jobId, "fails", "stderr.txt")), "broken\n");
const taskFiles = await client.file.listFromTask(jobId, "count-0", { recursive: true });
const names = taskFiles.map((f) => f.name);
for (const name of ["stdout.txt", "stderr.txt", "wd/input.txt", "wd/count.txt"]) assert.ok(names.includes(name), `${name} in ${names}`);
const properties = await client.file.getPropertiesFromTask(jobId, "count-0", "wd/count.txt");
assert.ok(Number(properties.contentLength) > 0);
const nodePath = `${counted.nodeInfo.taskRootDirectory}/wd/count.txt`;
const fromNode = await readStream(await client.file.getFromComputeNode(poolId, nodeId, nodePath));
assert.equal(fromNode, await readStream(await client.file.getFromTask(jobId, "count-0", "wd/count.txt")));
const nodeFiles = await client.file.listFromComputeNode(poolId, nodeId, { recursive: true });
assert.ok(nodeFiles.some((f) => f.name === nodePath), `${nodePath} among the node's files`);
summary.counts = Object.fromEntries(
  await Promise.all(countTasks.map(async (t) => [t.id, (await readStream(await client.file.getFromTask(jobId, t.id, "wd/count.txt"))).trim()])),
);

// ---- terminate: terminating, then completed ----
await client.job.terminate(jobId);
const terminated = await until("the job to complete", () => client.job.get(jobId), (j) => j.state === "completed");
summary.terminateStates = [...new Set(terminated.map((j) => j.state))];
assert.equal(summary.terminateStates[0], "terminating");
assert.equal(terminated.at(-1).previousState, "terminating");
assert.equal(terminated.at(-1).executionInfo.terminateReason, "UserTerminate");
await assert.rejects(client.task.add(jobId, { id: "late", commandLine: "/bin/true" }), (e) => e.statusCode === 409 && e.code === "JobCompleted");

// ---- delete the job and the pool, polling through deleting ----
await client.job.deleteMethod(jobId);
const jobStates = await until("the job to go", () => stateOrGone(() => client.job.get(jobId)), (s) => s === "gone");
summary.jobDeleteStates = [...new Set(jobStates)];
assert.equal(jobStates[0], "deleting");

await client.pool.deleteMethod(poolId);
const firstPoolState = await stateOrGone(() => client.pool.get(poolId));
assert.equal(firstPoolState, "deleting");
await assert.rejects(
  client.pool.add({ id: poolId, vmSize: "standard_d2s_v3", virtualMachineConfiguration: pool.virtualMachineConfiguration, targetDedicatedNodes: 0 }),
  (e) => e.statusCode === 409 && e.code === "PoolBeingDeleted",
);
const poolStates = await until("the pool to go", () => stateOrGone(() => client.pool.get(poolId)), (s) => s === "gone");
summary.poolDeleteStates = [...new Set([firstPoolState, ...poolStates])];
assert.equal((await client.pool.exists(poolId)).body, false);

console.log(JSON.stringify(summary));
