// Where in the dashboard a gate check or a red flag is dealt with. Subjects look like
// "supplier/F04", "supplier/F06/package/WP07", "secret/S01", "trademark/aurora/CN", "package/WP07",
// "product/aurora", "recipe/R2", "agreement/AG01", "finding/V6/F1", "ip/IP04", "disclosure/D1".

import { enc, query } from './api.js';

export function supplierHref(id) {
  return `#/suppliers/${enc(id)}`;
}

// The page where a failing gate check is fixed: {href, label}, or null when no page shows it.
export function checkFixTarget(check, product) {
  const parts = check.subject.split('/');
  const [kind, id] = parts;
  if (kind === 'supplier' && parts[2] === 'package') {
    return { href: `#/plan${query({ product })}`, label: 'Open the approved plan' };
  }
  if (kind === 'supplier') {
    switch (check.id) {
      case 'nnn':
        return { href: `#/agreements${query({ supplier: id })}`, label: `Agreements with ${id}` };
      case 'po-ip-clause':
        return { href: `#/agreements${query({ supplier: id, focus: 'orders' })}`, label: `Purchase orders of ${id}` };
      case 'red-flags':
        return { href: `#/flags${query({ subject: check.subject })}`, label: `Red flags on ${id}` };
      default:
        return { href: supplierHref(id), label: `Supplier ${id}` };
    }
  }
  if (kind === 'recipe') return { href: `#/plan${query({ product, recipe: id })}`, label: `Recipe ${id} in the plan` };
  if (kind === 'product' && check.id === 'collusion-margin') {
    return { href: `#/plan${query({ product })}`, label: 'Open the approved plan' };
  }
  if (['secret', 'trademark', 'package', 'product'].includes(kind)) {
    return { href: `#/ip${query({ subject: check.subject })}`, label: 'IP deadlines and rights' };
  }
  return null;
}

// The page showing a red flag's subject, or null. visitSupplier maps a visit id to its supplier.
export function flagSubjectTarget(subject, visitSupplier = {}) {
  const [kind, id] = subject.split('/');
  if (kind === 'supplier') return { href: supplierHref(id), label: `Supplier ${id}` };
  if (kind === 'finding' && visitSupplier[id]) {
    return { href: supplierHref(visitSupplier[id]), label: `Visit ${id} at ${visitSupplier[id]}` };
  }
  if (kind === 'agreement') return { href: `#/agreements${query({ agreement: id })}`, label: `Agreement ${id}` };
  if (kind === 'ip' || kind === 'disclosure') return { href: `#/ip${query({ subject })}`, label: 'IP deadlines' };
  return null;
}
