// The playground page (`lenet-lab playground --out DIR`): the dashboard's
// Train tab alone, for a static host, with no logdir and no server behind it.

import "uplot/dist/uPlot.min.css";
import "./style.css";
import { h } from "./dom.js";
import { createTrainView } from "./train/train-view.js";

const view = createTrainView({ board: false });
document.getElementById("app")!.replaceChildren(
  h("header", {}, h("h1", {}, "lenet-lab playground"), h("span", { class: "status" }, "LeNet-5 on MNIST, trained in this page")),
  h("main", { class: "playground" }, view.element));
view.render();
