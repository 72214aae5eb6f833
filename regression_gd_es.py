# %% [markdown]
# # Una neurona aprende una recta: el descenso del gradiente, paso a paso
#
# Una red neuronal aprende ajustando sus pesos una y otra vez, siempre en la dirección
# que hace más pequeño su error. Aquí lo verás en la red más pequeña que existe: una
# sola neurona con un solo peso `a`, que convierte una entrada `x` en `a·x`, su
# predicción para una `z` medida. Recibe 30 puntos medidos, empieza con un `a` al azar y
# lo mejora paso a paso hasta que su recta se ajusta a ellos, igual que en el artículo
# que sigue esta lección («How Neural Networks Work: Linear Regression and Gradient
# Descent Step by Step»); su registro sale idéntico, cifra a cifra.
#
# Lo que vale también para las redes grandes: una pérdida que mide el error, su derivada
# respecto a cada peso (el *gradiente*) y la actualización que mueve cada peso un poco
# en sentido contrario. Lo que queda para más adelante: las funciones de activación, las
# capas y los minilotes (cada paso ve solo una muestra de los datos).
#
# Run `python regression_gd.py` (`--help` lists its options), or open it as a notebook
# and run the cells in order; each section shows its result below it. The modules beside
# this file read the options and the data, print the notes and draw the pictures.

# %%
import random
from typing import NamedTuple

import program  # first: an old Python or a missing package is one line saying why
import numpy as np

import data
import pictures
from program import note

# %% [markdown]
# ## Los ajustes
#
# Los valores que usa el artículo. Cada uno es también una opción de la línea de órdenes
# (`--lr 0.01`, `--steps 500`, `--data offset.csv`, ...). En un cuaderno, cámbialos
# aquí, ejecuta esta celda y luego vuelve a ejecutar las celdas que vienen después.

# %%
LEARNING_RATE = 1e-3  # cada paso mueve a en LEARNING_RATE × gradiente
STEPS = 100  # cuántas actualizaciones hace el entrenamiento
SEED = 45  # semilla del generador aleatorio de Python, que elige el a inicial
EVERY = 10  # una línea de progreso cada tantos pasos
FRAMES = 100  # como mucho estos fotogramas en la animación del entrenamiento
DATA = None  # un CSV con tus propios puntos (columnas x,z), o None: los 30 del artículo
OUT = "figures"  # la carpeta donde se guardan las gráficas
EXPLORE = False  # abrir el explorador interactivo al final (en Jupyter necesita ipympl)
LANGUAGE = "es"  # the language of the pictures, the errors and --help

# %%
settings = program.read_settings(LANGUAGE, lr=LEARNING_RATE, steps=STEPS, seed=SEED,
                                 every=EVERY, frames=FRAMES, data=DATA, out=OUT,
                                 explore=EXPLORE)
lr, steps, seed, every = settings.lr, settings.steps, settings.seed, settings.every

# %% [markdown]
# ## Las medidas
#
# Treinta puntos (x, z) de algún experimento. Quedan cerca de una recta que pasa por el
# origen (0, 0), justo el tipo de recta `z = a·x` que dibuja una neurona. Aprender
# consiste en encontrar el `a` cuya recta pasa más cerca de ellos. Con `DATA` (o `--data
# ARCHIVO`), la lección usa tus propios puntos.

# %%
POST_X = np.array([0., 0.34482759, 0.68965517, 1.03448276, 1.37931034,
                   1.72413793, 2.06896552, 2.4137931, 2.75862069, 3.10344828,
                   3.44827586, 3.79310345, 4.13793103, 4.48275862, 4.82758621,
                   5.17241379, 5.51724138, 5.86206897, 6.20689655, 6.55172414,
                   6.89655172, 7.24137931, 7.5862069, 7.93103448, 8.27586207,
                   8.62068966, 8.96551724, 9.31034483, 9.65517241, 10.])
POST_Z = np.array([-0.16281253, 1.88707606, 0.39649312, 0.03857752, 4.0148778,
                   0.58866234, 3.35711859, 1.94314906, 6.96106424, 5.89792585,
                   8.47226615, 3.67698542, 12.05958678, 9.85234481, 9.82181679,
                   6.07652248, 14.17536744, 12.67825433, 12.97499286, 11.76098542,
                   12.7843083, 16.42241036, 13.67913705, 15.55066478, 17.45979602,
                   16.41982806, 17.01977617, 20.28151197, 19.38148414, 19.41029831])

# %%
if settings.data is None:
    x, z = POST_X, POST_Z
else:
    x, z = data.read_points(settings.data)  # si no lo puede leer, una línea dice por qué
pictures.measurements(x, z)

# %% [markdown]
# ## La neurona y un comienzo al azar
#
# Todo lo que calcula la neurona es una multiplicación, `z = a·x`. Como los pesos de
# cualquier red, `a` empieza con un valor al azar; al fijar la semilla del generador de
# Python, ese valor es el mismo en cada ejecución, y así tus números coinciden con los
# del artículo. En la gráfica, los segmentos rojos son los errores: para cada punto, la
# distancia entre lo que dice la neurona en esa x y lo que se midió.

# %%
def predict(a, x):
    """La salida de la neurona para las entradas x: a·x."""
    return a * x

# %%
def random_start(seed):
    """Un peso inicial, uniforme en [0, 1), del generador de Python con su semilla."""
    random.seed(seed)
    return random.random()

# %%
a = random_start(seed)
pictures.random_start(x, z, a, predict(a, x))
a

# %% [markdown]
# ## ¿Cuánto se equivoca? La pérdida
#
# Un solo número que dice cuánto se equivoca la recta: el error cuadrático medio. Eleva
# al cuadrado el error de cada punto (así cuentan tanto los errores por encima de la
# recta como los de debajo, y los grandes pesan mucho) y calcula la media; solo una
# recta que pasara por todos los puntos obtendría un 0.

# %%
def loss(z_pred, z):
    """Error cuadrático medio: la media de los errores al cuadrado (`.sum()` suma)."""
    return float(((z_pred - z) ** 2).sum() / len(z))  # float de Python: imprime rápido

# %%
start_loss = loss(predict(a, x), z)
note(f"at the random start a = {a} the loss is {start_loss}")

# %% [markdown]
# ## La pérdida para cada a: un cuenco, y su pendiente
#
# Con N puntos, y Σ para «sumar sobre todos los puntos» (Σx² = x₁² + x₂² + … + x_N²),
# desarrolla cada cuadrado, (a·x − z)² = a²x² − 2a·xz + z², y verás que la pérdida es
# una parábola en `a`, con forma de cuenco:
#
#     loss(a) = (a²·Σx² − 2a·Σxz + Σz²) / N
#
# Su derivada respecto a `a`, el *gradiente*, es la pendiente de la recta tangente al
# cuenco en `a`:
#
#     d loss / d a = (2a·Σx² − 2·Σxz) / N = (2/N) · Σ (a·x − z)·x
#
# Lo mismo sale punto a punto con la *regla de la cadena*, la regla para derivar una
# función de otra función: el cuadrado de un error e cambia 2e por cada unidad de e, y
# el error e = a·x − z cambia x por cada unidad de a, así que (a·x − z)² cambia 2·(a·x −
# z)·x. Esa regla, aplicada capa tras capa en una red, es la *retropropagación*.

# %%
def gradient(a, x, z):
    """La derivada de la pérdida respecto a a, en a."""
    return float(2 * ((predict(a, x) - z) * x).sum() / len(z))

# %% [markdown]
# Es fácil equivocarse en la fórmula de una derivada, así que compruébala midiendo la
# pendiente: la pérdida un poco a la derecha menos la pérdida un poco a la izquierda,
# dividido por la distancia entre ambos puntos. Tomar un punto a cada lado de `a` (una
# *diferencia finita central*) hace la medida mucho más precisa que usar un solo lado.
# Una fórmula correcta coincide con ella hasta una diferencia relativa de 10⁻⁶ o menos;
# una fórmula a la que le faltara el `·x` fallaría en torno a 1.

# %%
def finite_difference(a, x, z, h=1e-6):
    """La pendiente de la pérdida en a, medida: (loss(a+h) − loss(a−h)) / 2h."""
    return (loss(predict(a + h, x), z) - loss(predict(a - h, x), z)) / (2 * h)

# %%
slope, measured = gradient(a, x, z), finite_difference(a, x, z)
gap = abs(slope - measured) / max(abs(slope), 1e-300)  # relative to the formula's
note(f"gradient check at the start: formula {slope:.10g}, finite difference {measured:.10g} "
     f"(relative difference {gap:.1e})")

# %% [markdown]
# El gradiente es negativo a la izquierda del fondo, positivo a la derecha y cero justo
# en él. Igualarlo a cero da el mínimo con una fórmula cerrada, `a* = Σxz / Σx²`. Aquí
# solo se usa para comprobar el entrenamiento: las redes que no son lineales en sus
# pesos no tienen una fórmula así, y por eso existe el descenso del gradiente. En este
# caso la pendiente, `(2Σx²/N)·(a − a*)`, crece con la distancia al mínimo; en general,
# una pendiente muy inclinada no significa que quede mucho camino.

# %%
def best_a(x, z):
    """El mínimo exacto de la pérdida en a: a* = Σxz / Σx²."""
    return (x * z).sum() / (x * x).sum()

# %%
a_star = best_a(x, z)
min_loss = loss(predict(a_star, x), z)
note(f"mínimo exacto a* = Σxz/Σx² = {a_star} con pérdida {min_loss}, la más baja que puede lograr "
     f"una recta que pasa por el origen")

# %% [markdown]
# Para dibujar el cuenco, la fórmula de la parábola da la pérdida en muchos `a` a la vez
# a partir de tres sumas: una sola pasada por los puntos, da igual cuántos `a` haya.

# %%
def loss_curve(a_values, x, z):
    """La pérdida en muchos a a la vez: (a²·Σx² − 2a·Σxz + Σz²) / N."""
    a_values = np.asarray(a_values)
    sums = (x * x).sum(), (x * z).sum(), (z * z).sum()
    return (a_values ** 2 * sums[0] - 2 * a_values * sums[1] + sums[2]) / len(z)

# %% [markdown]
# Una gráfica muestra un peso `a` mediante su `state` (su estado): su recta, su pérdida,
# su gradiente y el cambio que hará el siguiente paso.

# %%
class State(NamedTuple):
    """La neurona con peso a, tal como la muestran las gráficas."""
    a: float
    fitted: np.ndarray  # la salida a·x de la neurona en cada x: su recta, y los errores
    loss: float
    gradient: float  # la pendiente de la tangente al cuenco en a
    move: float  # cuánto cambia a en el siguiente paso, −lr·gradiente

# %%
def state(a, x, z, lr):
    """La neurona con peso a y tasa lr, tal como la muestran las gráficas."""
    fitted, slope = predict(a, x), gradient(a, x, z)
    return State(a, fitted, loss(fitted, z), slope, -lr * slope)

# %%
# el cuenco, con tangentes al inicio, en el mínimo (plana) y en su reflejo
tangents = [state(w, x, z, lr) for w in (a, a_star, 2 * a_star - a)]
pictures.loss_curve(x, z, tangents, loss_curve)

# %% [markdown]
# ## El descenso del gradiente
#
# Un paso mueve `a` en contra de la pendiente: `a ← a − lr·gradient`, de modo que `a`
# crece a la izquierda de `a*` y disminuye a su derecha. El paso es `lr × gradient`: en
# el punto de partida del artículo el gradiente vale −116,6, así que con una tasa de
# aprendizaje de 0,001 el primer paso mueve `a` 0,1166, no 0,001.

# %%
def step(a, slope, lr):
    """Una actualización de un peso por descenso del gradiente."""
    return a - lr * slope

# %%
step(a, gradient(a, x, z), lr)

# %% [markdown]
# ¿Por qué eso va cuesta abajo, para cualquier pérdida suave? Cerca de `a` la pérdida
# sigue a su tangente, de modo que loss(a − lr·g) ≈ loss(a) − lr·g²: más baja, si lr es
# lo bastante pequeña para que la tangente sea una buena guía. En nuestra parábola, el
# cambio exacto añade un término, loss(a − lr·g) = loss(a) − lr·g² + (Σx²/N)·(lr·g)². En
# el punto de partida del artículo, la tangente predice 90,124 tras el primer paso y la
# pérdida es 90,585: el término añadido es la curvatura del cuenco hacia arriba, y sigue
# siendo menor que lr·g² mientras lr esté por debajo de N/Σx².
#
# ¿Hasta dónde puede crecer `lr`? Si pones la pendiente `(2Σx²/N)·(a − a*)` en la
# actualización, verás que cada paso multiplica la distancia con signo `a − a*` por el
# mismo número,
#
#     c = 1 − lr·2Σx²/N
#
# - 0 < c < 1, con lr por debajo de N/(2Σx²) (0,0147 para los puntos del artículo): `a`
#   avanza hacia `a*` por un solo lado; cada paso elimina la misma parte 1 − c de lo que
#   falta (aquí, unos 33 pasos por cada factor 10 de acercamiento).
# - c = 0, con lr = N/(2Σx²): `a` cae en `a*` en un solo paso.
# - −1 < c < 0, con lr entre N/(2Σx²) y N/Σx² (aquí, 0,0295): cada paso se pasa de largo
#   y cae al otro lado de `a*`, pero aun así converge, con oscilaciones cada vez
#   menores.
# - c = −1, con lr = N/Σx² exactamente: `a` rebota entre dos valores para siempre.
# - c < −1, por encima de N/Σx²: cada oscilación es mayor que la anterior; el
#   entrenamiento diverge.

# %%
def stability_bound(x):
    """El umbral N/Σx²: bajo él, el descenso del gradiente converge; encima,
    diverge."""
    return len(x) / (x * x).sum()

# %%
def contraction(lr, x):
    """c = 1 − lr·2Σx²/N: cada paso multiplica la distancia a − a* por c."""
    return 1 - lr * 2 * (x * x).sum() / len(x)

# %%
bound, c = stability_bound(x), contraction(lr, x)
note(f"umbral N/Σx² = {bound:.4g}; en esta ejecución c = 1 − lr·2Σx²/N = {c:.4g} (cada paso "
     f"multiplica a − a* por c)")

# %% [markdown]
# N/Σx² depende de la escala de x, en concreto de su cuadrado: los mismos puntos
# estirados de 0–10 a 0–200, 20 veces más anchos, tienen un umbral 400 veces menor
# (7,4·10⁻⁵), y con lr = 0,001 el entrenamiento diverge.
#
# El entrenamiento repite el paso y se detiene si la pérdida supera mil veces la inicial
# (ha divergido). Cada `every` pasos escribe la línea del artículo: la pérdida después
# del paso (`error`), el gradiente que usó el paso, en el `a` de antes del paso
# (`gradiente`; en i=10 marca −61,98, mientras que la pendiente en el `a` escrito es
# −57,78), y el nuevo `a`.

# %%
BLOWUP = 1000  # una pérdida de más de tantas veces la inicial: la ejecución divergió


def blew_up(value, start_loss):
    """Si una pérdida indica divergencia: no es finita, o supera BLOWUP × la
    inicial."""
    return bool(not np.isfinite(value) or value > BLOWUP * start_loss)

# %%
class History(NamedTuple):
    """Una ejecución con tasa lr: pesos y pérdidas desde el inicio; cada gradiente."""
    lr: float
    weights: np.ndarray
    losses: np.ndarray
    grads: np.ndarray

# %%
def train(a, x, z, lr, steps, every=None):
    """Hasta `steps` actualizaciones desde a, con una línea cada `every` pasos
    (None: ninguna); se detiene tras el paso en que la pérdida se dispara."""
    weights, losses, grads = [a], [loss(predict(a, x), z)], []
    with np.errstate(over="ignore", invalid="ignore"):  # blew_up ve el desbordamiento
        for i in range(1, steps + 1):
            grads.append(gradient(a, x, z))
            a = step(a, grads[-1], lr)
            weights.append(a)
            losses.append(loss(predict(a, x), z))
            blown = blew_up(losses[-1], losses[0])
            if every and (i % every == 0 or i == steps or blown):
                print(f"i={i}: error={losses[-1]}, gradiente={grads[-1]}, a={a}")
            if blown:
                break
    return History(lr, np.array(weights), np.array(losses), np.array(grads))

# %%
history = train(a, x, z, lr, steps, every)

# %% [markdown]
# Una ejecución cuya pérdida se disparó detiene aquí la lección y propone otra tasa: una
# segura, el 90 % de N/(2Σx²) redondeado hacia abajo a una cifra.

# %%
def safe_rate(limit):
    """Una tasa de aprendizaje segura bajo `limit`: su 90 %, redondeado a una cifra."""
    magnitude = 10.0 ** np.floor(np.log10(0.9 * limit))
    return float(np.floor(0.9 * limit / magnitude) * magnitude)

# %%
end_a, safe = history.weights[-1], safe_rate(bound / 2)
if blew_up(history.losses[-1], start_loss):  # una línea, con la tasa segura que probar
    program.stop_diverged(len(history.grads), history.losses[-1], bound, safe)
if lr >= bound:
    note(f"lr = {lr:g} is at or above the threshold N/Σx² = {bound:.4g}: a swings around a* "
         f"without settling, as the pictures show")

# %% [markdown]
# Una ejecución que terminó a más del 1 % de su distancia inicial a `a*` recibe una nota
# con lo que la llevaría hasta allí: la tasa segura, o más pasos con esta tasa, contados
# ambos a partir de c.

# %%
def steps_needed(c, distance, close):
    """Pasos, cada uno multiplicando la distancia por c, de `distance` a `close`."""
    if abs(c) >= 1:
        return None
    if c == 0 or distance <= close:
        return 1
    return int(np.ceil(np.log(close / distance) / np.log(abs(c))))

# %%
distance, close = abs(a - a_star), 0.01 * abs(a - a_star)  # 1 % de la distancia a a*
if abs(end_a - a_star) > close:
    counts = [steps_needed(contraction(safe, x), distance, close),
              steps_needed(c, distance, close)]
    note(f"at step {len(history.grads)} a = {end_a:.6g} is still {abs(end_a - a_star):.3g} from "
         f"a* = {a_star:.6g}; try {program.ideas(safe, counts, bound)}")

# %% [markdown]
# ## El entrenamiento, animado
#
# A la izquierda: los puntos, la recta y sus errores. A la derecha: el cuenco, `a` sobre
# él y su tangente, cuya pendiente («pendiente aquí») es el gradiente en el `a`
# dibujado. El artículo dibuja cada nuevo `a` con el gradiente del paso anterior, así
# que su tangente atraviesa el cuenco.

# %%
pictures.training_gif(x, z, history, state, loss_curve)

# %% [markdown]
# ## La curva de aprendizaje, predicha
#
# La pérdida no puede llegar a 0: su suelo es loss(a*), 3,463 para los puntos del
# artículo. La *pérdida sobrante* por encima de él, `loss(a) − loss(a*)`, es igual a
# `(Σx²/N)·(a − a*)²`, así que cada paso la multiplica por c²: en escala logarítmica,
# una recta que baja desde la pérdida sobrante inicial. (Una curva de pérdida normal
# solo se dobla porque se acerca al suelo.) Para esta pérdida cuadrática la coincidencia
# es exacta: la línea discontinua comprueba la deducción, no predice nada nuevo. Al
# elevar al cuadrado se pierde el signo de `a − a*`; el panel de la derecha lo muestra,
# y cambia de lado en cada paso cuando c < 0.

# %%
excess = history.losses - min_loss
with np.errstate(under="ignore"):  # c^(2·paso) puede quedar bajo el menor float: 0
    predicted = excess[0] * c ** (2.0 * np.arange(len(excess)))

# %%
def run_kind(lr, x, start_a, end_a, a_star):
    """Cómo fue una ejecución, para el título: diverge, rebota, apenas se mueve, se
    pasa pero converge, o converge."""
    bound = stability_bound(x)
    if lr >= bound:
        return "diverging" if lr > bound else "bouncing"
    if abs(end_a - a_star) > 0.9 * abs(start_a - a_star):
        return "barely moving"
    return "overshooting but converging" if lr > bound / 2 else "converging"

# %%
kind = run_kind(lr, x, a, end_a, a_star)
closed = 1 - abs(end_a - a_star) / max(distance, 1e-300)  # the share of the way covered
title = pictures.curve_title(kind, c, closed, len(history.grads))
pictures.learning_curve(excess, predicted, history.weights - a_star, title)

# %% [markdown]
# **¿Cuándo parar?** Un entrenamiento real no conoce a* ni cuántos pasos necesita. Una
# regla habitual es parar cuando el tamaño del gradiente baja de una tolerancia (aquí,
# la milésima parte del inicial) o tras un número máximo de pasos. Aquí el gradiente es
# proporcional a a − a*, así que se detiene a una milésima de la distancia inicial a a*;
# en otros casos, un tramo casi plano puede detenerlo antes de tiempo.

# %%
def stopping_step(grads, tolerance):
    """Los pasos que da una ejecución con la regla «parar cuando |gradiente| <
    tolerancia» (None: todos)."""
    small = np.flatnonzero(np.abs(grads) < tolerance)
    return int(small[0]) if small.size else None

# %%
stop = stopping_step(history.grads, 1e-3 * abs(history.grads[0]))
if stop is None:
    note(f"stopping rule (|gradient| below 1/1000 of its start): it would not have stopped by "
         f"step {len(history.grads)}")
else:
    gap = abs(history.weights[stop] - a_star)
    note(f"stopping rule (|gradient| below 1/1000 of its start): it would have stopped at step "
         f"{stop}, at a = {history.weights[stop]:.6g}, {gap:.3g} from a* "
         f"({100 * gap / max(distance, 1e-300):.2g}% of the start's distance)")

# %% [markdown]
# ## Elegir una tasa probando
#
# N/Σx² tiene fórmula solo porque esta pérdida es una parábola. En una red de verdad, la
# tasa se encuentra probando: entrena un poco con tasas separadas por un factor de √10 ≈
# 3,16 (0,001, 0,00316, ...) y observa la pérdida. Si la pérdida sube alguna vez, la
# tasa es demasiado grande (o hay un fallo); de las demás, quédate con la que deja la
# pérdida más baja al final de la prueba. Aquí se dan 10 pasos con cada tasa, partiendo
# de la de esta ejecución: se sube mientras la pérdida baje (o se reduce hasta que
# baje).

# %%
def loss_falls(a, x, z, lr, steps=10):
    """Si la pérdida baja en cada uno de `steps` pasos a la tasa lr (salvo
    redondeo)."""
    losses = train(a, x, z, lr, steps).losses
    rises = np.diff(losses) > 1e-12 * losses[:-1]
    return len(losses) == steps + 1 and not bool(np.any(rises))

# %%
def rates_by_trying(a, x, z, lr):
    """{tasa: si la pérdida bajó}, a √10 de distancia desde lr, subiendo mientras
    baja o bajando hasta que baje, 30 tasas como mucho."""
    tried = {lr: loss_falls(a, x, z, lr)}
    factor, rate = (np.sqrt(10) if tried[lr] else 1 / np.sqrt(10)), lr
    while tried[rate] == (factor > 1) and len(tried) < 30:  # sube: bajó; baja: subió
        rate *= factor
        tried[rate] = loss_falls(a, x, z, rate)
    return tried

# %%
tried = rates_by_trying(a, x, z, lr)
fell = [rate for rate in tried if tried[rate]]
trial_loss = {rate: train(a, x, z, rate, 10).losses[-1] for rate in fell}
kept = min(fell, key=trial_loss.get) if fell else None
kept

# %% [markdown]
# Abajo, cada tasa probada se entrena durante tantos pasos como esta ejecución (5000
# como mucho, menos si la pérdida se dispara); para la tasa de esta ejecución se
# reutiliza la ejecución de arriba, recortada a esa longitud.

# %%
STUDY_STEPS = 5_000  # los estudios aparte (otras tasas, dos pesos) entrenan como mucho
study_steps = min(steps, STUDY_STEPS)
runs = {}
for rate in tried:
    trial = history if rate == lr else train(a, x, z, rate, study_steps)
    losses, weights = trial.losses[:study_steps + 1], trial.weights[:study_steps + 1]
    runs[rate] = (losses, run_kind(rate, x, a, weights[-1], a_star),
                  blew_up(losses[-1], start_loss))
pictures.learning_rates(runs, kept, bound, min_loss)

# %% [markdown]
# ## Dos pesos: una recta con término independiente
#
# El artículo termina comentando que con dos pesos haría falta una gráfica en 3D. Aquí
# la tienes: la recta `z = a·x + b` añade un término independiente `b`, así que ya no
# tiene que pasar por el origen. La pérdida es una superficie sobre el plano (a, b), con
# dos derivadas *parciales* (∂): cada una es la pendiente en la dirección de un peso,
# con el otro fijo; salen por la regla de la cadena como antes, con 1 como la entrada
# que multiplica a `b`:
#
#     ∂loss/∂a = (2/N)·Σ (a·x + b − z)·x
#     ∂loss/∂b = (2/N)·Σ (a·x + b − z)
#
# Si desarrollas los productos, las sumas se reducen a cuatro medias que solo dependen
# de los datos (mean(x²) = Σx²/N, y así las demás) y que ningún paso cambia: ∂loss/∂a =
# 2·(a·mean(x²) + b·mean(x) − mean(x·z)) y ∂loss/∂b = 2·(a·mean(x) + b − mean(z)).
# Calculadas una sola vez, hacen que cada paso de los que siguen cueste lo mismo con un
# millón de puntos que con 30 (esta pérdida lo permite; la de una red, no). Un paso
# actualiza los dos pesos con la misma tasa, desde (a₀, 0): a₀ es el punto de partida
# aleatorio.

# %%
def predict_with_offset(a, b, x):
    """La salida de una neurona con peso a y término independiente b: a·x + b."""
    return a * x + b

# %%
def gradients(a, b, means):
    """Las derivadas de la pérdida respecto de a y de b, en (a, b), a partir de las
    medias de x², x, x·z y z."""
    mean_xx, mean_x, mean_xz, mean_z = means
    return 2 * (a * mean_xx + b * mean_x - mean_xz), 2 * (a * mean_x + b - mean_z)

# %%
def train_two_weights(a, b, x, z, lr, steps):
    """Descenso del gradiente en a y b a la vez; el camino, una fila (a, b) por
    paso."""
    means = (x * x).mean(), x.mean(), (x * z).mean(), z.mean()  # una sola vez
    path = np.empty((steps + 1, 2))
    path[0] = a, b
    for i in range(1, steps + 1):
        slope_a, slope_b = gradients(a, b, means)
        a, b = step(a, slope_a, lr), step(b, slope_b, lr)
        path[i] = a, b
    return path

# %% [markdown]
# Las dos derivadas son cero en la solución exacta (a*, b*), lo que da las dos
# *ecuaciones normales*
#
#     a·Σx² + b·Σx = Σxz
#     a·Σx + b·N = Σz
#
# two equations in two unknowns. Divide the second by N: the best line passes through
# the means (x̄, z̄), b* = z̄ − a*·x̄. Put that into the first: a* is Σ(x − x̄)(z − z̄)
# over Σ(x − x̄)². There is no single answer when every x is the same: then many lines
# fit equally well.

# %%
def best_line(x, z):
    """(a*, b*) según las ecuaciones normales; None si todas las x son iguales."""
    dx, dz = x - x.mean(), z - z.mean()  # each point's distance from the means
    if (dx * dx).sum() <= 1e-12 * (x * x).sum():
        return None
    a_star = (dx * dz).sum() / (dx * dx).sum()
    return a_star, z.mean() - a_star * x.mean()

# %% [markdown]
# Igual que el cuenco, la superficie es su suelo más una forma cuadrática, `loss(a*, b*)
# + (Σx²·da² + 2Σx·da·db + N·db²)/N` con `da = a − a*` y `db = b − b*`: muchos (a, b) de
# una sola pasada.

# %%
def loss_surface(a, b, x, z):
    """La pérdida en muchos (a, b) a la vez: su suelo más una forma cuadrática."""
    (a_star, b_star), n = best_line(x, z), len(x)
    da, db = np.asarray(a) - a_star, np.asarray(b) - b_star
    quadratic = (x * x).sum() * da ** 2 + 2 * x.sum() * da * db + n * db ** 2
    return loss(predict_with_offset(a_star, b_star, x), z) + quadratic / n

# %% [markdown]
# Aquí el entrenamiento es más lento, y la historia de un solo peso explica por qué. Con
# dos pesos, el cuenco se curva más en unas direcciones que en otras. Sus segundas
# derivadas forman H = (2/N)·[[Σx², Σx], [Σx, N]], cuyos dos valores propios λ son las
# curvaturas a lo largo de sus direcciones más y menos curvadas (las *direcciones
# propias*). En cada una, un paso multiplica la distancia por 1 − lr·λ, como c, así que
# lr < 2/λmax (con un solo peso hay una sola curvatura, 2Σx²/N, y de ahí el N/Σx² de la
# primera parte). Aquí las curvaturas difieren en un factor de 135, sobre todo porque la
# entrada de b siempre es 1 mientras que x vale 5 de media: una tasa segura para cruzar
# el valle estrecho avanza muy despacio a lo largo de él. (Una tasa por encima de 0,9
# veces el límite de los dos pesos se reduce a ese valor.)

# %%
def curvatures(x):
    """Los valores propios (λmin, λmax) de H = (2/N)·[[Σx², Σx], [Σx, N]]."""
    return np.linalg.eigvalsh((2 / len(x)) * np.array([[(x * x).sum(), x.sum()],
                                                       [x.sum(), len(x)]]))

# %%
def two_weight_contraction(lr, x):
    """Lo máximo de la distancia a (a*, b*) que deja un paso: el mayor |1 − lr·λ|."""
    return np.abs(1 - lr * curvatures(x)).max()

# %%
class Descent(NamedTuple):
    """Descenso del gradiente en (a, b) con la tasa lr hacia best = (a*, b*)."""
    path: np.ndarray  # una fila (a, b) por paso, desde el inicio
    best: tuple
    lr: float
    ratio: float  # λmax / λmin: el valle es √ratio veces más largo que ancho
    reached: int | None  # pasos hasta el 1 % de la distancia inicial (None: aún no)

# %%
def descend(x, z, start_a, lr, steps):
    """Entrena a y b desde (start_a, 0), `steps` pasos con la tasa lr; su Descent."""
    best, (low, high) = best_line(x, z), curvatures(x)
    path = train_two_weights(start_a, 0.0, x, z, lr, steps)
    gaps = np.hypot(path[:, 0] - best[0], path[:, 1] - best[1])
    within = np.flatnonzero(gaps <= 0.01 * gaps[0])
    return Descent(path, best, lr, high / low, int(within[0]) if within.size else None)

# %%
def enough_steps(lr, x):
    """Pasos que seguro llevan una ejecución de dos pesos con la tasa lr a menos del
    1 % de su distancia inicial, según el mayor |1 − lr·λ|; como mucho STUDY_STEPS."""
    needed = steps_needed(two_weight_contraction(lr, x), 1.0, 0.01)
    return STUDY_STEPS if needed is None else min(needed, STUDY_STEPS)

# %%
two_ok = best_line(x, z) is not None
if not two_ok:
    note("todas las x son iguales, así que a y b no se pueden distinguir (muchas rectas se "
         "ajustan igual de bien); se omiten las secciones de dos pesos y de escalado")

# %%
if two_ok:
    two_bound = 2 / curvatures(x)[-1]
    descent = descend(x, z, a, min(lr, 0.9 * two_bound), study_steps)
    pictures.two_weights(x, z, descent, loss_surface)
    if descent.lr != lr:
        note(f"lr = {lr:g} is above 0.9 of the two-weight threshold 2/λmax = {two_bound:.4g}, so "
             f"this section trains at 0.9 of it")

# %% [markdown]
# Tras 100 pasos el camino está en el valle; tras 5000 (`STEPS = 5000`), queda el 3 % de
# su distancia inicial (llegar al 1 % cuesta 7178 pasos). La nota dice dónde terminó
# esta ejecución y, si aún queda lejos, una tasa y un número de pasos que llegan a menos
# del 1 %: contados entrenando con esa tasa.

# %%
if two_ok:
    end, best = descent.path[-1], descent.best
    advice = ""  # aún lejos: una tasa segura para ambos pesos, y sus pasos
    if descent.reached is None:
        rate = safe_rate(two_bound)
        faster = descend(x, z, a, rate, enough_steps(rate, x))
        advice = program.two_weight_advice(faster, STUDY_STEPS)
    note(f"two weights at step {len(descent.path) - 1}, lr = {descent.lr:.4g}: a = {end[0]:.6g}, "
         f"b = {end[1]:.6g}; exact a* = {best[0]:.6g}, b* = {best[1]:.6g}{advice}")

# %%
if two_ok and abs(best[1]) > 0.1 * np.abs(z).max():  # lejos del origen: b ayuda
    two = loss_surface(best[0], best[1], x, z)
    note(f"these points lie off the origin: the best loss with one weight is {min_loss:.4g}, with "
         f"an offset b: {two:.4g}; the one-weight line z = a·x is forced through (0, 0)")

# %% [markdown]
# ## El remedio: escalar las entradas
#
# El valle es estrecho porque x no se parece a la entrada 1 de b: su media es 5 y su
# dispersión (su desviación típica), 2,98. Si *centras* x (le restas la media), las
# curvaturas se diferencian en un factor 8,9, no 135; si la *estandarizas* (además la
# divides por la dispersión), son iguales: un cuenco redondo, la misma tasa para los
# dos.

# %%
def standardised(x):
    """x desplazada a media 0 y escalada a dispersión (desviación típica) 1."""
    return (x - x.mean()) / x.std()

# %% [markdown]
# Cada versión de x entrena con la tasa 1/λmax, que cruza la dirección más empinada del
# valle en un solo paso. Los pasos hasta menos del 1 % de la distancia inicial bajan de
# 496 a 39 y a 1.

# %%
if two_ok:
    versions = {"x as measured": x, "x − mean": x - x.mean(),
                "standardised x": standardised(x)}
    scaled = {}
    for name, inputs in versions.items():
        rate = 1 / curvatures(inputs)[-1]
        scaled[name] = descend(inputs, z, a, rate, enough_steps(rate, inputs))
    pictures.scaling([x, versions["standardised x"]], z,
                     [scaled["x as measured"], scaled["standardised x"]], loss_surface)

# %% [markdown]
# Los pesos aprendidos con la x estandarizada se pueden deshacer: z = a'·(x −
# media)/dispersión + b' significa a = a'/dispersión y b = b' − a'·media/dispersión, que
# vuelve a ser (a*, b*).

# %%
if two_ok:
    a_scaled, b_scaled = scaled["standardised x"].path[-1]
    spread, mean = x.std(), x.mean()
    raw, centred, standard = (scaled[name].reached or f"> {STUDY_STEPS}"
                              for name in scaled)
    note(f"scaling x, steps to within 1% at the rate 1/λmax: {raw} as measured, {centred} "
         f"centred, {standard} standardised; converted back: a = {a_scaled / spread:.6g}, b = "
         f"{b_scaled - a_scaled * mean / spread:.6g}")

# %% [markdown]
# El remedio de todos los días: el umbral encoge con el cuadrado de la escala de x, así
# que con x en los miles la tasa por defecto diverge; estandarizada, las mismas tasas
# funcionan en cualquier unidad.
#
# ## Guardar, y explorar en directo
#
# Las gráficas, guardadas con nombres provisionales, toman ahora sus nombres todas a la
# vez: una ejecución que falla o se interrumpe deja tus gráficas anteriores como
# estaban.

# %%
pictures.save()

# %% [markdown]
# `EXPLORE = True` (o `--explore`) abre una ventana para tocar el modelo: arrastra **a**
# y la recta, sus errores y la tangente la siguen; arrastra **paso** para recorrer el
# entrenamiento, o la **tasa de aprendizaje** (N/Σx² en rojo) para volver a ejecutar
# `train`; la barra espaciadora reproduce, ← → avanzan o retroceden un paso, `r`
# reinicia y `q` cierra (en Jupyter: `pip install ipympl`).

# %%
explorer = pictures.explore(x, z, history, state, loss_curve, train, bound)

# %% [markdown]
# ## Pruébalo tú
#
# Cada uno indica los ajustes que debes cambiar en un cuaderno y luego la orden para un
# terminal. 1. **Una tasa tímida.** `LEARNING_RATE = 1e-5`; `python regression_gd_es.py
# --lr 1e-5`: `a` avanza a paso de tortuga, de 0,27 a solo 0,385 en 100 pasos; una nota
# dice lo lejos que queda de a* y propone una tasa calculada a partir de los datos; la
# curva de aprendizaje dice que apenas se mueve. 2. **Pasarse de largo**, entre N/(2Σx²)
# y N/Σx². `LEARNING_RATE = 0.02`, `EVERY = 1`; `python regression_gd_es.py --lr 0.02
# --every 1`: tras el paso 1, `a` ya ha pasado a* (por encima de 1,9914); tras el paso
# 2, está por debajo, y cada oscilación es menor; en el paso 40 está en a* =
# 1,991412006340672 hasta la última cifra. 3. **Justo por encima del umbral** N/Σx² =
# 0,0295. `LEARNING_RATE = 0.03`; `python regression_gd_es.py --lr 0.03`: un aviso, y
# cada oscilación es mayor que la anterior: tras 100 pasos `a` vale unos −49 y la
# pérdida pasa de 88 000. Con 0,05 la pérdida se dispara en el paso 4: la lección se
# detiene con un error y no guarda ninguna gráfica. 4. **Un solo paso.** `LEARNING_RATE
# = 0.0147457627`, `STEPS = 3`, `EVERY = 1`; `python regression_gd_es.py --lr
# 0.0147457627 --steps 3 --every 1`: N/(2Σx²) hace que c = 0, así que la línea `i=1` ya
# muestra a = 1,99141200… 5. **Otro punto de partida.** `SEED = 7`; `python
# regression_gd_es.py --seed 7`: empieza en a = 0,324 y aun así termina a menos del 1 %
# de su distancia inicial a a*. 6. **Cuándo parar.** `STEPS = 1000`, `EVERY = 100`;
# `python regression_gd_es.py --steps 1000 --every 100`: la regla habría parado tras 99
# pasos, a 0,00164 de a*; los demás cierran una distancia que ninguna gráfica de la
# recta deja ver. 7. **Tus propios datos, lejos del origen.** Puntos sobre z = 10 + 2·x,
# que una recta que pasa por (0, 0) no puede seguir; esta línea de código los escribe:
# `open("offset.csv", "w").write("x,z\n0,10\n1,12\n2,14\n3,16\n4,18\n")`. `DATA =
# "offset.csv"`; `python regression_gd_es.py --data offset.csv`: las notas dicen que los
# puntos quedan lejos del origen (la menor pérdida con un solo peso es 33) y dan a* = 2,
# b* = 10; tras 100 pasos el descenso sigue lejos, en a = 3,55, b = 1,70. `LEARNING_RATE
# = 0.1`, `STEPS = 300`; `python regression_gd_es.py --data offset.csv --lr 0.1 --steps
# 300` sí llega: a = 2, b = 10.
