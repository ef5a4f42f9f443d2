// Run kdcl's xlwings Lite bundle (main.py) in real Pyodide under Node, the way the add-in does.
// usage: node run.mjs JOB.json OUT.json
//   JOB = {"main": "main.py", "wheels": ["…whl", "…tar.gz"], "presses": [{"key", "payload", "formulas", "script", "repeat"}]}
//   "formulas" (a file: {sheet: rows}) answers the script's `await rng.get_formula()` as Excel does (getRangeData).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { loadPyodide } from "pyodide";

const [jobPath, outPath] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(jobPath, "utf8"));
const here = path.dirname(new URL(import.meta.url).pathname);
const seconds = () => performance.now() / 1000;
const out = { timings: {}, log: [], presses: {} };

// The add-in's client side of on-demand reads: xlwings calls js.xlwings.getRangeData(sheet, address, keys).
let formulas = {};
function cellIndex(ref) {            // "$B$12" -> [row0, col0]
  const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(ref);
  let col = 0;
  for (const ch of m[1]) col = col * 26 + ch.charCodeAt(0) - 64;
  return [Number(m[2]) - 1, col - 1];
}
globalThis.xlwings = {
  getRangeData: async (sheet, address, keys) => {
    const wanted = keys.toJs ? keys.toJs() : keys;
    const [a, b] = address.split(":");
    const [r0, c0] = cellIndex(a);
    const [r1, c1] = b ? cellIndex(b) : [r0, c0];
    const grid = formulas[sheet] || [];
    const rows = [];
    for (let r = r0; r <= r1; r++) {
      const row = [];
      for (let c = c0; c <= c1; c++) row.push(grid[r] && grid[r][c] !== undefined ? grid[r][c] : "");
      rows.push(row);
    }
    const result = {};
    for (const k of wanted) {
      if (k !== "formulas") throw new Error(`getRangeData: key ${k} not served by this harness`);
      result[k] = rows;
    }
    return result;
  },
};

let t = seconds();
const py = await loadPyodide({
  env: { HOME: "/home/pyodide", XLWINGS_LICENSE_KEY: "noncommercial", XLWINGS_ON_SERVER: "true" },
  stdout: (s) => out.log.push("[py] " + s), stderr: (s) => out.log.push("[py-err] " + s),
});
out.timings.load_pyodide = seconds() - t;
py.FS.mkdirTree("/wheels");
py.FS.mkdirTree("/data");                                   // where Lite lets scripts write files
py.FS.writeFile("/home/pyodide/glue.py", fs.readFileSync(path.join(here, "glue.py")));
const wheels = job.wheels.map((w) => { const p = "/wheels/" + path.basename(w); py.FS.writeFile(p, fs.readFileSync(w)); return p; });
t = seconds();
const glue = py.pyimport("glue");
out.installed = JSON.parse(glue.install(py.toPy(wheels)));
out.timings.install_wheels = seconds() - t;
out.info = JSON.parse(glue.info());
const source = fs.readFileSync(job.main, "utf8");
out.load_main = JSON.parse(glue.load_main(source));                  // the add-in runs main.py when it starts
if (!out.load_main.error) {
  out.meta = JSON.parse(glue.scripts_meta());
  for (const p of job.presses) {
    formulas = p.formulas ? JSON.parse(fs.readFileSync(p.formulas, "utf8")) : {};
    const payload = fs.readFileSync(p.payload, "utf8");
    out.presses[p.key] = [];
    for (let i = 0; i < (p.repeat || 1); i++) {
      t = seconds();
      const r = JSON.parse(await glue.press(payload, p.script));
      r.wall = seconds() - t;
      out.presses[p.key].push(r);
    }
  }
}
fs.writeFileSync(outPath, JSON.stringify(out));
