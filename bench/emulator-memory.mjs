// Emulator memory and list cost at scale (issue 12, finding 8), measured from outside as a client sees it:
// starts the emulator DLL given, adds N tasks to a job whose pool does not exist (they stay queued, so only the
// emulator's own records are measured), lists them all a few times, deletes the job and waits. Prints the
// emulator's RSS (VmRSS) and CPU time at each step, and the time of one full listing, as one JSON line.
//
//   node bench/emulator-memory.mjs <path/to/BatchWords.Emulator.dll> [tasks=10000] [-- extra emulator args]
//
// Uses the official @azure/batch SDK (a devDependency: npm ci) for the signed requests.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { BatchServiceClient, BatchSharedKeyCredentials } = require("@azure/batch");

const [dll, countText = "10000"] = process.argv.slice(2);
if (!dll) throw new Error("usage: node bench/emulator-memory.mjs <BatchWords.Emulator.dll> [tasks]");
const taskCount = Number(countText);
const key = randomBytes(32).toString("base64");
const data = mkdtempSync(join(tmpdir(), "bw-emu-mem-"));
const emulator = spawn("dotnet", [dll, "--account", "benchacct", "--data", data], {
  env: { ...process.env, BATCHWORDS_EMULATOR_KEY: key },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise((resolve, reject) => {
  emulator.stdout.on("data", (chunk) => {
    const match = /listening on (\S+)/.exec(chunk.toString());
    if (match) resolve(match[1]);
  });
  emulator.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
});

const sample = () => {
  const status = readFileSync(`/proc/${emulator.pid}/status`, "utf8");
  const stat = readFileSync(`/proc/${emulator.pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, in clock ticks (100/s)
  return { rssMB: Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024), cpuSeconds: ticks / 100 };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const client = new BatchServiceClient(new BatchSharedKeyCredentials("benchacct", key), url);
const result = { tasks: taskCount, steps: {} };
try {
  await sleep(1000);
  result.steps.started = sample();
  await client.job.add({ id: "mem", poolInfo: { poolId: "no-such-pool" } });
  const chunks = [];
  for (let start = 0; start < taskCount; start += 100) {
    const tasks = [];
    for (let i = start; i < Math.min(taskCount, start + 100); i++) {
      tasks.push({
        id: `t${String(i).padStart(6, "0")}`,
        commandLine: "/bin/sh -c 'wc -w < input.txt > count.txt'",
        resourceFiles: [{ httpUrl: `http://127.0.0.1:10000/devstoreaccount1/inputs/file-${i}.txt?sv=2025-01-05&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=${"x".repeat(44)}`, filePath: "input.txt" }],
        outputFiles: [{ filePattern: "count.txt", destination: { container: { containerUrl: `http://127.0.0.1:10000/devstoreaccount1/outputs?sv=2025-01-05&se=2030-01-01T00%3A00%3A00Z&sr=c&sp=cw&sig=${"y".repeat(44)}`, path: `t${i}/count.txt` } }, uploadOptions: { uploadCondition: "tasksuccess" } }],
      });
    }
    chunks.push(client.task.addCollection("mem", tasks));
    if (chunks.length === 8) await Promise.all(chunks.splice(0));
  }
  await Promise.all(chunks);
  result.steps.added = sample();

  const listings = [];
  for (let round = 0; round < 3; round++) {
    const before = sample().cpuSeconds;
    const started = performance.now();
    let listed = 0;
    let page = await client.task.list("mem");
    listed += page.length;
    while (page.odatanextLink) {
      page = await client.task.listNext(page.odatanextLink);
      listed += page.length;
    }
    if (listed !== taskCount) throw new Error(`listed ${listed} of ${taskCount}`);
    listings.push({ seconds: Math.round(performance.now() - started) / 1000, emulatorCpuSeconds: Math.round((sample().cpuSeconds - before) * 100) / 100 });
  }
  result.fullListing = listings;
  result.steps.listed = sample();

  const countsStart = sample().cpuSeconds;
  for (let i = 0; i < 100; i++) await client.job.getTaskCounts("mem");
  result.taskCounts100EmulatorCpuSeconds = Math.round((sample().cpuSeconds - countsStart) * 100) / 100;

  await client.job.deleteMethod("mem");
  for (;;) {
    try { await client.job.get("mem"); } catch (e) { if (e.statusCode === 404) break; throw e; }
    await sleep(100);
  }
  await sleep(5000);
  result.steps.deletedAfter5s = sample();
} finally {
  emulator.kill("SIGTERM");
  await new Promise((r) => emulator.on("exit", r));
  rmSync(data, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
