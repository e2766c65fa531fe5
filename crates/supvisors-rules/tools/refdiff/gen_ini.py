"""Writes random INI texts to $REFDIFF_DIR/ini/NNN.ini (argument: seed)."""
import os, random, sys

random.seed(int(sys.argv[1]))
out = os.path.join(os.environ['REFDIFF_DIR'], 'ini')
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.remove(os.path.join(out, f))
ATOMS = ['[s]', '[t]', '[DEFAULT]', '[ s ]', '[]', '[a]b]', 'k=v', 'K = V', 'k:v', 'k', '=v', ' k=v',
         '  cont', '\t\tx', '', ' ', '#c', ';c', ' ;c', 'a ;b', 'a;b', 'a #b', 'a#b',
         'k = a ; b # c', 'x=1 ;', '  ; indented comment', 'é=ü', 'k=\x0b', 'k=v\x1c', 'k = [x]',
         '[s', 'k==', ':v', 'k=:', '   [t]']
for i in range(300):
    nl = random.choice(['\n', '\r\n', '\r', '\n'])
    body = nl.join(random.choice(ATOMS) for _ in range(random.randint(1, 12)))
    text = random.choice(['[s]', '[s]', '[s]', '']) + nl + body + random.choice(['', '\n'])
    with open(os.path.join(out, '%03d.ini' % i), 'w', newline='') as f:
        f.write(text)
