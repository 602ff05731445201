/**
 * Repairs text whose UTF-8 bytes were once decoded as Windows-1252 (or Latin-1) and encoded
 * again, the way a runbook picks up `ðŸš¨` for 🚨 and `âœ…` for ✅ after a trip through a
 * wrong-charset tool.
 */

// Windows-1252 puts printable characters in 0x80–0x9F where Latin-1 has controls.
const CP1252_HIGH: Readonly<Record<string, number>> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

// A run of characters that each map to one Windows-1252 byte, starting with a UTF-8 lead byte.
const SUSPECT_RUN = /[\u00c2-\u00f4][\u0080-\u00ff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]+/g;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function toCp1252Bytes(run: string): Uint8Array | undefined {
  const bytes = new Uint8Array(run.length);
  for (let i = 0; i < run.length; i++) {
    const ch = run[i]!;
    const code = ch.charCodeAt(0);
    const byte = code <= 0xff ? code : CP1252_HIGH[ch];
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}

/**
 * Re-decodes each suspicious run as UTF-8 when its bytes form valid UTF-8, and leaves
 * everything else untouched, so correct text (German umlauts, a lone `é`) survives.
 */
export function repairMojibake(text: string): string {
  return text.replace(SUSPECT_RUN, (run) => {
    const bytes = toCp1252Bytes(run);
    if (!bytes) return run;
    // Decode the longest valid UTF-8 prefix; a trailing Latin-1 letter is kept as it was.
    for (let end = bytes.length; end >= 2; end--) {
      try {
        const decoded = strictUtf8.decode(bytes.subarray(0, end));
        return decoded + run.slice(end);
      } catch {
        // Not valid UTF-8 up to here; try a shorter prefix.
      }
    }
    return run;
  });
}
