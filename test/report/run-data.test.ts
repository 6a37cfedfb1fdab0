// Event files read ahead of the report (as compare reads a run that finished
// while others train) give the report what reading them then would, and are
// read again once a file has changed.

import { describe, expect, it } from "vitest";
import { readLogdir, readRunEvents, readRunEventsAhead } from "../../src/report/run-data.js";
import { SummaryWriter } from "../../src/tensorboard/summary-writer.js";
import { tempDir } from "../idx-files.js";
import { RELU, fixtureRunDir, writeFixtureLogdir } from "./logdir-fixture.js";

describe("reading a run's events ahead of the report", () => {
  it("gives what reading them later gives, maps the caller may change, and a fresh read once the files change", () => {
    const logdir = tempDir();
    writeFixtureLogdir(logdir);
    const runDir = fixtureRunDir(logdir, RELU);
    const fresh = readRunEvents(runDir);
    readRunEventsAhead(runDir);
    const ahead = readRunEvents(runDir);
    expect(ahead).toEqual(fresh);
    ahead.scalars.set("made/up", [{ step: 1, value: 2 }]);
    expect(readRunEvents(runDir).scalars.has("made/up")).toBe(false);
    expect(readLogdir(logdir).runs.find((r) => r.name === RELU)!.scalars.get("accuracy/test")).toEqual(fresh.scalars.get("accuracy/test"));

    // The run goes on writing (a resume): the files read ahead no longer stand.
    const writer = new SummaryWriter(runDir);
    writer.addScalar("accuracy/test", 0.99, 50);
    writer.close();
    expect(readRunEvents(runDir).scalars.get("accuracy/test")!.at(-1)).toEqual({ step: 50, value: expect.closeTo(0.99, 6) });
    expect(readLogdir(logdir).runs.find((r) => r.name === RELU)!.eventFiles).toHaveLength(2);
  });
});
