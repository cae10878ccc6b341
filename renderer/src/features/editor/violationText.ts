import type { Translate } from '../../i18n/index.js';
import type { RuleViolation } from '../../lib/itemRules.js';

/** The broken rule in words, named first ("Range: …"), so the fix is obvious. */
export function violationText(t: Translate, violation: RuleViolation): string {
  switch (violation.rule) {
    case 'readOnly':
      return t('rule.readOnly');
    case 'characters':
      return t('rule.characters');
    case 'type':
      return t('rule.type', { type: t(`type.${violation.type}`) });
    case 'enum':
      return t('rule.enum', { values: violation.values.join(', ') });
    case 'range':
      return t('rule.range', { min: violation.min, max: violation.max });
    case 'excluded':
      return t('rule.excluded', { value: violation.value });
    case 'maxLength':
      return t('rule.maxLength', { max: violation.max, length: violation.length });
  }
}
