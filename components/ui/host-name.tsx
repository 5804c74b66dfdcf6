import { Fragment } from "react";

/**
 * A host name that wraps only between its labels (after a dot), never at a hyphen inside one:
 * "acct-db01.prod.example.internal" may wrap to "acct-db01.prod." / "example.internal" on a
 * phone, but never to "acct-" / "db01". The text (and what is copied) is unchanged.
 */
export function HostName({ name }: { name: string }) {
  const labels = name.split(".");
  return (
    <>
      {labels.map((label, i) => {
        const last = i === labels.length - 1;
        return (
          <Fragment key={i}>
            <span className="whitespace-nowrap">{last ? label : `${label}.`}</span>
            {last ? null : <wbr />}
          </Fragment>
        );
      })}
    </>
  );
}
