/** "Did you mean" hints. */
import { closest, didYouMean, editDistance, humanList } from '../../../definitions/suggest';

describe('editDistance', () => {
  it.each([
    ['approved', 'approved', 0],
    ['aproved', 'approved', 1],
    ['lable', 'label', 1],
    ['reveiw', 'review', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('should measure %s to %s as %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closest', () => {
  it('should find a misspelt name among the candidates', () => {
    expect(closest('abandonned', ['approved', 'abandoned', 'refused'])).toBe('abandoned');
    expect(closest('Approved', ['approved', 'refused'])).toBe('approved');
  });

  it('should suggest nothing when no candidate is a plausible typo', () => {
    expect(closest('tacit', ['review', 'waiting', 'approved'])).toBeUndefined();
    expect(closest('ab', ['xy'])).toBeUndefined();
  });

  it('should not suggest the name itself', () => {
    expect(closest('review', ['review'])).toBeUndefined();
  });
});

describe('didYouMean and humanList', () => {
  it('should word the hint and the lists', () => {
    expect(didYouMean('reciept', ['receipt', 'decision'])).toBe('did you mean "receipt"?');
    expect(didYouMean('zzz', ['receipt'])).toBeUndefined();
    expect(humanList(['a'])).toBe('a');
    expect(humanList(['a', 'b', 'c'])).toBe('a, b or c');
    expect(humanList(['a', 'b'], 'and')).toBe('a and b');
  });
});
