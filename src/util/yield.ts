// Letting the event loop run between the steps of a long computation: timers,
// signals (Node) and messages (a page's Web Worker) are handled, and the
// computation goes on at once after them.

/** Resolves after the event loop has had one turn. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  // A browser has no setImmediate, and setTimeout(0) waits at least 4 ms once nested: a message to oneself does not.
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    // A page's MessagePort (the DOM's type, which Node's typings do not describe).
    (port1 as unknown as { onmessage: () => void }).onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
