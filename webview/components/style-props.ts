/**
 * `styleProps({...})`: inline styles under a CSP without 'unsafe-inline'.
 *
 * Lit's styleMap writes the `style` attribute on first render (`setAttribute('style', …)`), which
 * the panel's CSP (`style-src ${cspSource}`) blocks. This element directive only ever uses the
 * CSSOM (`element.style.setProperty`), which CSP allows. Keys are CSS property names as written in
 * CSS (`width`, `--cols`); a null or undefined value removes the property.
 */
import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

type Props = Readonly<Record<string, string | number | null | undefined>>;

class StyleProps extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('styleProps() goes on an element: <div ${styleProps({...})}>');
  }

  render(_props: Props): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [props]: [Props]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    const next = new Set<string>();
    for (const [name, value] of Object.entries(props)) {
      if (value === null || value === undefined) continue;
      next.add(name);
      const v = String(value);
      if (style.getPropertyValue(name) !== v) style.setProperty(name, v);
    }
    for (const name of this.previous) if (!next.has(name)) style.removeProperty(name);
    this.previous = next;
    return noChange;
  }
}

export const styleProps = directive(StyleProps);
