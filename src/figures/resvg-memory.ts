// How resvg's native code takes memory from the system; imported by
// render.ts before @resvg/resvg-js, because resvg's allocator (mimalloc,
// built into its native module) reads its options from the environment
// once, when that module loads.
//
// Rasterising a figure allocates and frees a few buffers of its size (the
// pixmap, the pixels handed to JavaScript: 1.5 MB for a digit's map, up to
// 8 MB for a chart at zoom 2). With 4 kB pages, each is taken from the
// system again page by page, and a page fault costs ~13 µs on the project's
// virtual machines: about a third of the time resvg spent on a figure.
// With large OS pages allowed (2 MB transparent huge pages, where the kernel
// gives them on request) from a thread's first segment on (mimalloc would
// otherwise hold them back from the first segment of every thread but the
// first, and a figure thread seldom needs a second), those buffers fault a
// few times instead of thousands: 90,000 faults for the 47 figures of a
// compare run become ~7,000. Values the user set are kept; without huge
// pages nothing changes.
// Not here: drawing (render.ts).

process.env.MIMALLOC_ALLOW_LARGE_OS_PAGES ??= "1";
process.env.MIMALLOC_EAGER_COMMIT_DELAY ??= "0";
