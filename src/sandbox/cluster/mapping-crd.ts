/**
 * Emissary's getambassador.io CRDs as the local stack installs them (see vendor/README.md).
 * Kubernetes 1.37 accepts both vendored sets as shipped (structural schemas); the only change is
 * where the conversion webhook is reached: Emissary 3.x's CRDs name the in-cluster Service
 * `emissary-apiext`, the local stack runs kanary-emissary-conversion (following Emissary 3.10's
 * documented v2⇄v3alpha1 field mapping; not Emissary's own apiext) on 127.0.0.1, so
 * `clientConfig` becomes `url` + `caBundle`. Pure: returns new objects.
 */

type Obj = Record<string, unknown>;

/** The Emissary CRD sets the local stack offers. */
export type EmissaryVersion = 3 | 4;
export const EMISSARY_VERSIONS: readonly EmissaryVersion[] = [3, 4];
export const DEFAULT_EMISSARY_VERSION: EmissaryVersion = 3;

/** The vendored CRD file of each Emissary major version. */
export const EMISSARY_CRD_FILES: Readonly<Record<EmissaryVersion, string>> = {
  3: 'emissary-3.10.0-crds.yaml',
  4: 'emissary-4.1.0-crds.yaml',
};

export interface ConversionWebhookClient {
  /** https://127.0.0.1:PORT/webhooks/crd-convert */
  url: string;
  /** The PEM of the CA that signed the webhook's serving certificate. */
  caPem: string;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the CRD converts through a webhook (Emissary 3.x: every kind but Listener). */
export function usesConversionWebhook(crd: Obj): boolean {
  const spec = isObj(crd.spec) ? crd.spec : {};
  return isObj(spec.conversion) && spec.conversion.strategy === 'Webhook';
}

/** The CRD with its conversion webhook reached at `client.url`; CRDs without a webhook unchanged. */
export function pointConversionWebhook(crd: Obj, client: ConversionWebhookClient): Obj {
  if (!usesConversionWebhook(crd)) return crd;
  const spec = crd.spec as Obj;
  const conversion = spec.conversion as Obj;
  const webhook = isObj(conversion.webhook) ? conversion.webhook : {};
  const caBundle = Buffer.from(client.caPem, 'utf8').toString('base64');
  return {
    ...crd,
    spec: {
      ...spec,
      conversion: {
        ...conversion,
        webhook: { ...webhook, clientConfig: { url: client.url, caBundle }, conversionReviewVersions: ['v1'] },
      },
    },
  };
}
