import forge from 'node-forge';

/**
 * forge's DER reader with BIT STRINGs left as bytes (its default tries to parse their content as
 * ASN.1, which misreads key-usage bits). The options object exists in forge 1.x but not in its
 * type definitions, hence the one cast.
 */
export function fromDer(bytes: Buffer | string, strict: boolean): forge.asn1.Asn1 {
  const input = forge.util.createBuffer(typeof bytes === 'string' ? bytes : bytes.toString('binary'));
  const fromDerWithOptions = forge.asn1.fromDer as unknown as (
    input: forge.util.ByteStringBuffer,
    options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean },
  ) => forge.asn1.Asn1;
  return fromDerWithOptions(input, { strict, parseAllBytes: strict, decodeBitStrings: false });
}

export function toDerBuffer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
