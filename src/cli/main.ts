#!/usr/bin/env node
// The `lenet-lab` command: a thin shell that parses arguments and calls into
// src/train, src/figures, src/report and src/board. No training logic lives here.
console.log("lenet-lab: under construction");
