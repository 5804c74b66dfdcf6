import { useEffect, useRef, useState } from "react";

/**
 * A host-name search box that doesn't send a request per keystroke: `search` is the box as
 * typed, `q` the trimmed text once typing pauses for 250 ms. `onSettle` runs with each new `q`
 * (back to page 1, drop a selection…).
 */
export function useSettledSearch(onSettle: () => void) {
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const settle = useRef(onSettle);
  settle.current = onSettle;

  useEffect(() => {
    const next = search.trim();
    if (next === q) return;
    const timer = setTimeout(() => {
      setQ(next);
      settle.current();
    }, 250);
    return () => clearTimeout(timer);
  }, [search, q]);

  return { search, setSearch, q };
}
